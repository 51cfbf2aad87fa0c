/*
 * The engine of the table-driven AT transport (see murmur_modem.h): writes a step's command from
 * its template, splits the modem's output into lines, matches them against the step's replies and
 * handles deadlines and bounded retries. The command sets themselves are in sets/, one file each.
 */
/* Float semantics: no fused multiply-add, whatever the compiler flags (the TS reference never fuses). */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#else
#pragma STDC FP_CONTRACT OFF
#endif
#include "murmur_modem.h"

#include <string.h>

/** Bytes handled per murmur_modem_poll at most, so a chattering UART cannot hold the caller. */
#define MURMUR_MODEM_POLL_BYTES_MAX 256u
/** Retry delays double up to this many times. */
#define MURMUR_MODEM_BACKOFF_SHIFT_MAX 6u

enum { MURMUR_MODEM_PHASE_IDLE = 0, MURMUR_MODEM_PHASE_AWAIT = 1, MURMUR_MODEM_PHASE_BACKOFF = 2 };

static uint32_t murmur_modem_now(const murmur_modem *modem) { return modem->port->now_ms(modem->port->context); }

/* True once `now` is at or past `when` (wrap-safe for spans under 2^31 ms). */
static int murmur_modem_reached(uint32_t now, uint32_t when) { return (int32_t)(now - when) >= 0; }

static void murmur_modem_write(murmur_modem *modem, const uint8_t *bytes, size_t length) {
  if (length == 0u) return;
  modem->port->write(modem->port->context, bytes, length);
  modem->bytes_written += (uint32_t)length;
}

static void murmur_modem_write_decimal(murmur_modem *modem, uint32_t value) {
  uint8_t digits[10];
  size_t count = 0;
  do {
    digits[sizeof digits - 1u - count] = (uint8_t)('0' + value % 10u);
    value /= 10u;
    count++;
  } while (value != 0u);
  murmur_modem_write(modem, &digits[sizeof digits - count], count);
}

static void murmur_modem_write_hex(murmur_modem *modem) {
  static const MURMUR_MODEM_ROM char symbols[] = "0123456789ABCDEF";
  uint8_t chunk[32];
  size_t used = 0;
  for (size_t i = 0; i < modem->payload_length; i++) {
    chunk[used++] = (uint8_t)symbols[modem->payload[i] >> 4];
    chunk[used++] = (uint8_t)symbols[modem->payload[i] & 0x0Fu];
    if (used == sizeof chunk) {
      murmur_modem_write(modem, chunk, used);
      used = 0;
    }
  }
  murmur_modem_write(modem, chunk, used);
}

/* Writes a step's command template with its fields filled in (see murmur_modem_step); the template's
 * own characters go out through a small RAM buffer, since the template may sit in flash. */
static void murmur_modem_write_command(murmur_modem *modem, const MURMUR_MODEM_ROM char *template_text) {
  uint8_t chunk[16];
  size_t used = 0;
  for (const MURMUR_MODEM_ROM char *p = template_text; *p != '\0'; p++) {
    const char field = *p == '%' ? p[1] : '\0';
    if (*p != '%' || field == '%' || field == '\0') {
      chunk[used++] = (uint8_t)*p;
      if (field == '%') p++;
      if (used == sizeof chunk) {
        murmur_modem_write(modem, chunk, used);
        used = 0;
      }
      continue;
    }
    murmur_modem_write(modem, chunk, used);
    used = 0;
    p++;
    switch (field) {
      case 'p':
        murmur_modem_write_decimal(modem, modem->fport);
        break;
      case 'n':
        murmur_modem_write_decimal(modem, modem->payload_length);
        break;
      case 'u':
        murmur_modem_write_decimal(modem, modem->config.remote_port);
        break;
      case 'x':
        murmur_modem_write_hex(modem);
        break;
      case 'b':
        murmur_modem_write(modem, modem->payload, modem->payload_length);
        break;
      case 's':
        if (modem->config.host != NULL)
          murmur_modem_write(modem, (const uint8_t *)modem->config.host, strlen(modem->config.host));
        break;
      default: /* an unknown field is written as it is */
        chunk[used++] = (uint8_t)'%';
        chunk[used++] = (uint8_t)field;
        break;
    }
  }
  murmur_modem_write(modem, chunk, used);
}

static void murmur_modem_finish(murmur_modem *modem, int status) {
  modem->phase = MURMUR_MODEM_PHASE_IDLE;
  modem->status = (int8_t)status;
}

/* Starts step `modem->step`, skipping ONCE steps that already succeeded; finishes after the last. */
static void murmur_modem_start_step(murmur_modem *modem) {
  const MURMUR_MODEM_ROM murmur_modem_command_set *set = modem->set;
  while (modem->step < set->step_count && (set->steps[modem->step].flags & MURMUR_MODEM_STEP_ONCE) != 0u &&
         (modem->once_done & (1u << modem->step)) != 0u)
    modem->step++;
  if (modem->step >= set->step_count) {
    murmur_modem_finish(modem, MURMUR_MODEM_OK);
    return;
  }
  const MURMUR_MODEM_ROM murmur_modem_step *step = &set->steps[modem->step];
  modem->line_length = 0;
  murmur_modem_write_command(modem, step->command);
  const uint32_t limit = modem->config.timeout_limit_ms;
  modem->deadline = murmur_modem_now(modem) + (limit != 0u && limit < step->timeout_ms ? limit : step->timeout_ms);
  modem->phase = MURMUR_MODEM_PHASE_AWAIT;
}

static int murmur_modem_retryable(int status) {
  return status == MURMUR_MODEM_ERR_TIMEOUT || status == MURMUR_MODEM_ERR_BUSY ||
         status == MURMUR_MODEM_ERR_NO_CHANNEL || status == MURMUR_MODEM_ERR_TX_FAILED ||
         status == MURMUR_MODEM_ERR_MODEM;
}

static void murmur_modem_fail_step(murmur_modem *modem, int status) {
  if (!murmur_modem_retryable(status) || modem->attempt >= modem->config.max_retries) {
    murmur_modem_finish(modem, status);
    return;
  }
  uint32_t shift = modem->attempt < MURMUR_MODEM_BACKOFF_SHIFT_MAX ? modem->attempt : MURMUR_MODEM_BACKOFF_SHIFT_MAX;
  modem->attempt++;
  modem->retries++;
  const uint8_t back = modem->set->steps[modem->step].retry_back;
  modem->step = back <= modem->step ? (uint8_t)(modem->step - back) : (uint8_t)0u;
  modem->retry_at = murmur_modem_now(modem) + (modem->config.retry_delay_ms << shift);
  modem->phase = MURMUR_MODEM_PHASE_BACKOFF;
}

/* True when the line starts with `prefix` (which may sit in flash). */
static int murmur_modem_starts_with(const char *line, size_t length, const MURMUR_MODEM_ROM char *prefix) {
  for (size_t i = 0; prefix[i] != '\0'; i++)
    if (i >= length || line[i] != prefix[i]) return 0;
  return 1;
}

static void murmur_modem_handle_line(murmur_modem *modem, const char *line, size_t length) {
  if (modem->phase != MURMUR_MODEM_PHASE_AWAIT) {
    modem->ignored_lines++;
    return;
  }
  const MURMUR_MODEM_ROM murmur_modem_step *step = &modem->set->steps[modem->step];
  for (const MURMUR_MODEM_ROM murmur_modem_reply *reply = step->replies; reply->prefix != NULL; reply++) {
    if (!murmur_modem_starts_with(line, length, reply->prefix)) continue;
    if (reply->kind == MURMUR_MODEM_REPLY_WAIT) return;
    if (reply->kind == MURMUR_MODEM_REPLY_ERROR) {
      murmur_modem_fail_step(modem, reply->status);
      return;
    }
    if ((step->flags & MURMUR_MODEM_STEP_ONCE) != 0u) modem->once_done |= (uint8_t)(1u << modem->step);
    modem->step++;
    murmur_modem_start_step(modem);
    return;
  }
  modem->ignored_lines++;
}

/*
 * Collects one received byte into the line buffer; CR or LF ends a line, blank lines and leading
 * spaces are skipped, and a line longer than MURMUR_MODEM_LINE_MAX is matched on its first
 * MURMUR_MODEM_LINE_MAX bytes (a long "mac_rx <port> <data>" still ends the uplink).
 */
static void murmur_modem_feed(murmur_modem *modem, uint8_t byte) {
  if (byte == '\r' || byte == '\n') {
    if (modem->line_length > 0u) murmur_modem_handle_line(modem, modem->line, modem->line_length);
    modem->line_length = 0;
    return;
  }
  if ((modem->line_length == 0u && byte == ' ') || modem->line_length == MURMUR_MODEM_LINE_MAX) return;
  modem->line[modem->line_length++] = (char)byte;
  if (modem->line_length == 1u && byte == '>' && modem->phase == MURMUR_MODEM_PHASE_AWAIT &&
      (modem->set->steps[modem->step].flags & MURMUR_MODEM_STEP_PROMPT) != 0u) {
    modem->line_length = 0;
    murmur_modem_handle_line(modem, modem->line, 1u);
  }
}

int murmur_modem_init(murmur_modem *modem, const MURMUR_MODEM_ROM murmur_modem_command_set *set,
                      const murmur_modem_port *port, const murmur_modem_config *config) {
  if (modem == NULL || set == NULL || port == NULL || config == NULL || port->write == NULL ||
      port->read_byte == NULL || port->now_ms == NULL || set->step_count == 0u || set->step_count > 8u)
    return MURMUR_MODEM_ERR_ARGUMENT;
  memset(modem, 0, sizeof *modem);
  modem->set = set;
  modem->port = port;
  modem->config = *config;
  modem->status = MURMUR_MODEM_IDLE;
  return MURMUR_MODEM_OK;
}

int murmur_modem_send(murmur_modem *modem, uint8_t fport, const uint8_t *payload, size_t length) {
  if (modem == NULL || modem->set == NULL || payload == NULL || length == 0u) return MURMUR_MODEM_ERR_ARGUMENT;
  if (modem->phase != MURMUR_MODEM_PHASE_IDLE) return MURMUR_MODEM_ERR_IN_PROGRESS;
  if (length > MURMUR_MODEM_PAYLOAD_MAX || length > modem->set->payload_max || fport == 0u || fport > 223u)
    return MURMUR_MODEM_ERR_ARGUMENT;
  memcpy(modem->payload, payload, length);
  modem->payload_length = (uint16_t)length;
  modem->fport = fport;
  modem->step = 0;
  modem->attempt = 0;
  modem->status = MURMUR_MODEM_PENDING;
  murmur_modem_start_step(modem);
  return modem->phase == MURMUR_MODEM_PHASE_IDLE ? modem->status : MURMUR_MODEM_PENDING;
}

int murmur_modem_poll(murmur_modem *modem) {
  if (modem == NULL || modem->set == NULL) return MURMUR_MODEM_ERR_ARGUMENT;
  if (modem->phase == MURMUR_MODEM_PHASE_IDLE) return MURMUR_MODEM_IDLE;
  for (uint32_t handled = 0; handled < MURMUR_MODEM_POLL_BYTES_MAX; handled++) {
    /* While backing off, late replies to the failed attempt are read and ignored. */
    if (modem->phase == MURMUR_MODEM_PHASE_BACKOFF && murmur_modem_reached(murmur_modem_now(modem), modem->retry_at))
      murmur_modem_start_step(modem);
    if (modem->phase == MURMUR_MODEM_PHASE_IDLE) return modem->status;
    const int byte = modem->port->read_byte(modem->port->context);
    if (byte < 0) break;
    murmur_modem_feed(modem, (uint8_t)byte);
    if (modem->phase == MURMUR_MODEM_PHASE_IDLE) return modem->status;
  }
  if (modem->phase == MURMUR_MODEM_PHASE_AWAIT && murmur_modem_reached(murmur_modem_now(modem), modem->deadline))
    murmur_modem_fail_step(modem, MURMUR_MODEM_ERR_TIMEOUT);
  return modem->phase == MURMUR_MODEM_PHASE_IDLE ? modem->status : MURMUR_MODEM_PENDING;
}

int murmur_modem_send_wait(murmur_modem *modem, uint8_t fport, const uint8_t *payload, size_t length) {
  int status = murmur_modem_send(modem, fport, payload, length);
  while (status == MURMUR_MODEM_PENDING) {
    status = murmur_modem_poll(modem);
    if (status == MURMUR_MODEM_PENDING && modem->port->wait != NULL) modem->port->wait(modem->port->context);
  }
  return status;
}

const char *murmur_modem_status_name(int status) {
  switch (status) {
    case MURMUR_MODEM_OK:
      return "ok";
    case MURMUR_MODEM_PENDING:
      return "pending";
    case MURMUR_MODEM_IDLE:
      return "idle";
    case MURMUR_MODEM_ERR_ARGUMENT:
      return "bad argument";
    case MURMUR_MODEM_ERR_IN_PROGRESS:
      return "uplink in progress";
    case MURMUR_MODEM_ERR_TIMEOUT:
      return "timeout";
    case MURMUR_MODEM_ERR_BUSY:
      return "modem busy";
    case MURMUR_MODEM_ERR_NO_CHANNEL:
      return "no free channel";
    case MURMUR_MODEM_ERR_NOT_JOINED:
      return "not joined";
    case MURMUR_MODEM_ERR_REJECTED:
      return "rejected";
    case MURMUR_MODEM_ERR_TX_FAILED:
      return "transmission failed";
    case MURMUR_MODEM_ERR_MODEM:
      return "modem error";
    default:
      return "unknown";
  }
}
