/*
 * murmur_modem: one table-driven AT-command transport for the UART modems of the Murmur boards.
 *
 * A command set is a short table of steps (a command template and the replies it can get); the
 * engine sends a step's command, reads the modem's reply lines, and moves on, waits, retries or
 * fails as the step's reply table says. Five command sets are provided:
 *
 *   murmur_modem_rn2483             Microchip RN2483/RN2903 ("mac tx uncnf <port> <hex>")
 *   murmur_modem_wio_e5             Seeed Wio-E5 / LoRa-E5 ("AT+PORT=<p>", "AT+MSGHEX=\"<hex>\"")
 *   murmur_modem_rak3172            RAKwireless RAK3172 with RUI3 ("AT+SEND=<port>:<hex>")
 *   murmur_modem_murata_cmwx1zzabz  Murata CMWX1ZZABZ, Arduino MKR WAN AT firmware ("AT+UTX <len>")
 *   murmur_modem_bg96               Quectel BG96 UDP socket ("AT+QIOPEN", "AT+QISEND"), NB-IoT / LTE-M
 *
 * A set's `name` is the board registry's radio.commandSet (the board JSON files).
 *
 * The engine is non-blocking: murmur_modem_poll reads whatever bytes the port has, checks the
 * step's deadline against the port's millisecond clock and returns at once, so it runs from a main
 * loop with a low-power wait between polls, from a UART interrupt's ring buffer, or from a test
 * that feeds bytes and time by hand. No heap, no recursion; hardware access only through the port.
 */
#ifndef MURMUR_MODEM_H
#define MURMUR_MODEM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Largest payload one uplink carries (bytes); LoRaWAN at DR0 allows 11-51, NB-IoT datagrams more. */
#ifndef MURMUR_MODEM_PAYLOAD_MAX
#define MURMUR_MODEM_PAYLOAD_MAX 64
#endif

/** Longest reply line kept; longer lines are matched on their first MURMUR_MODEM_LINE_MAX bytes. */
#ifndef MURMUR_MODEM_LINE_MAX
#define MURMUR_MODEM_LINE_MAX 80
#endif

/*
 * Where the command-set tables live: in flash on AVR (the GNU C named address space __flash, so that
 * they take no SRAM), as ordinary const data elsewhere. MURMUR_MODEM_STR puts a string literal there.
 */
#if defined(__AVR__) && defined(__FLASH)
#define MURMUR_MODEM_ROM __flash
#else
#define MURMUR_MODEM_ROM
#endif
#define MURMUR_MODEM_STR(text) ((const MURMUR_MODEM_ROM char[]){text})

/** Status of a call or of the uplink in progress. Negative values are errors. */
typedef enum {
  MURMUR_MODEM_OK = 0,               /**< the uplink was handed to the network (TX done / SEND OK) */
  MURMUR_MODEM_PENDING = 1,          /**< still working; poll again */
  MURMUR_MODEM_IDLE = 2,             /**< nothing to do: no uplink was started */
  MURMUR_MODEM_ERR_ARGUMENT = -1,    /**< bad call: NULL pointer, payload too long, port 0 or > 223 */
  MURMUR_MODEM_ERR_IN_PROGRESS = -2, /**< murmur_modem_send while another uplink is pending */
  MURMUR_MODEM_ERR_TIMEOUT = -3,     /**< no final reply before the step's deadline, on every attempt */
  MURMUR_MODEM_ERR_BUSY = -4,        /**< the modem stayed busy (MAC busy, duty cycle, TX in progress) */
  MURMUR_MODEM_ERR_NO_CHANNEL = -5,  /**< no free channel / duty-cycle restricted, on every attempt */
  MURMUR_MODEM_ERR_NOT_JOINED = -6,  /**< no network session (join first); not retried */
  MURMUR_MODEM_ERR_REJECTED = -7,    /**< the modem refused the command (parameter, length); not retried */
  MURMUR_MODEM_ERR_TX_FAILED = -8,   /**< the radio or socket reported a failed transmission, on every attempt */
  MURMUR_MODEM_ERR_MODEM = -9        /**< a generic ERROR reply, on every attempt */
} murmur_modem_status;

/** The hardware underneath: a UART and a millisecond clock. */
typedef struct {
  /** Passed back to every function below. */
  void *context;
  /** Writes `length` bytes to the modem (may block until they are in the UART's FIFO). */
  void (*write)(void *context, const uint8_t *bytes, size_t length);
  /** The next received byte (0..255), or -1 when none is waiting. */
  int (*read_byte)(void *context);
  /** A free-running millisecond clock; wrap-around is handled. */
  uint32_t (*now_ms)(void *context);
  /** Optional: sleep until a byte arrives or a millisecond passes (used by murmur_modem_send_wait). */
  void (*wait)(void *context);
} murmur_modem_port;

/** What a reply line means to the step that is waiting for it. */
typedef enum {
  MURMUR_MODEM_REPLY_WAIT = 0, /**< an intermediate reply ("ok", "+MSGHEX: Start"): keep waiting */
  MURMUR_MODEM_REPLY_DONE = 1, /**< the step is done: go to the next step */
  MURMUR_MODEM_REPLY_ERROR = 2 /**< the step failed with `status` */
} murmur_modem_reply_kind;

/** One reply a step recognises: a line starting with `prefix`. The first match in the table wins. */
typedef struct {
  const MURMUR_MODEM_ROM char *prefix;
  uint8_t kind;   /**< murmur_modem_reply_kind */
  int8_t status;  /**< for MURMUR_MODEM_REPLY_ERROR: the murmur_modem_status it stands for */
} murmur_modem_reply;

/** Step flags. */
#define MURMUR_MODEM_STEP_ONCE 0x01u   /**< run only until it first succeeds (opening a socket) */
#define MURMUR_MODEM_STEP_PROMPT 0x02u /**< a reply may be a bare prompt without a line end ("> ") */

/**
 * One exchange with the modem. `command` is a template written to the UART with these fields:
 *   %p  the uplink's port (decimal)           %x  the payload in upper-case hex
 *   %n  the payload length (decimal)          %b  the payload's raw bytes
 *   %s  the remote host (murmur_modem_config) %u  the remote port (decimal)
 *   %%  a percent sign
 * `replies` ends with an entry whose prefix is NULL; lines matching no entry (echo, URCs, garbage)
 * are ignored. On a retryable failure the engine waits and goes back `retry_back` steps.
 */
typedef struct {
  const MURMUR_MODEM_ROM char *command;
  const MURMUR_MODEM_ROM murmur_modem_reply *replies;
  uint32_t timeout_ms;
  uint8_t flags;
  uint8_t retry_back;
} murmur_modem_step;

/** A modem's command set: its steps for one uplink and its UART speed. */
typedef struct {
  const MURMUR_MODEM_ROM char *name;
  const MURMUR_MODEM_ROM murmur_modem_step *steps;
  uint8_t step_count;
  uint32_t baud;
  /** Largest payload the module accepts in one command. */
  uint16_t payload_max;
} murmur_modem_command_set;

extern const MURMUR_MODEM_ROM murmur_modem_command_set murmur_modem_rn2483;
extern const MURMUR_MODEM_ROM murmur_modem_command_set murmur_modem_wio_e5;
extern const MURMUR_MODEM_ROM murmur_modem_command_set murmur_modem_rak3172;
extern const MURMUR_MODEM_ROM murmur_modem_command_set murmur_modem_murata_cmwx1zzabz;
extern const MURMUR_MODEM_ROM murmur_modem_command_set murmur_modem_bg96;

/** Retry policy and, for socket modems, the server. */
typedef struct {
  /** Attempts after the first one for a retryable failure (timeout, busy, no channel, TX failed). */
  uint8_t max_retries;
  /** Wait before a retry, doubled after every retry (bounded by the attempts). */
  uint32_t retry_delay_ms;
  /** If non-zero, no step waits longer than this for its final reply (e.g. a fast data rate). */
  uint32_t timeout_limit_ms;
  /** Socket modems: the server's host name or address, and its UDP port. */
  const char *host;
  uint16_t remote_port;
} murmur_modem_config;

/** The transport's state; treat as opaque. */
typedef struct {
  const MURMUR_MODEM_ROM murmur_modem_command_set *set;
  const murmur_modem_port *port;
  murmur_modem_config config;
  uint8_t payload[MURMUR_MODEM_PAYLOAD_MAX];
  uint16_t payload_length;
  uint8_t fport;
  uint8_t step;
  uint8_t attempt;
  uint8_t phase;
  uint8_t once_done;
  int8_t status;
  uint32_t deadline;
  uint32_t retry_at;
  uint16_t line_length;
  char line[MURMUR_MODEM_LINE_MAX];
  /** Counters for diagnostics: lines ignored (echo, URCs, garbage), retries made, bytes written. */
  uint32_t ignored_lines;
  uint32_t retries;
  uint32_t bytes_written;
} murmur_modem;

/** Sets up a transport; returns MURMUR_MODEM_OK or MURMUR_MODEM_ERR_ARGUMENT. */
int murmur_modem_init(murmur_modem *modem, const MURMUR_MODEM_ROM murmur_modem_command_set *set,
                      const murmur_modem_port *port, const murmur_modem_config *config);

/**
 * Starts an unconfirmed uplink of `length` bytes on `fport` (1..223; ignored by socket modems). The
 * payload is copied. Returns MURMUR_MODEM_PENDING, or an error without starting.
 */
int murmur_modem_send(murmur_modem *modem, uint8_t fport, const uint8_t *payload, size_t length);

/**
 * Advances the uplink in progress: reads every waiting byte, handles complete reply lines and the
 * deadline. Returns MURMUR_MODEM_PENDING while working, then once MURMUR_MODEM_OK or an error
 * (after which the transport is idle again), MURMUR_MODEM_IDLE when nothing was started.
 */
int murmur_modem_poll(murmur_modem *modem);

/**
 * murmur_modem_send, then murmur_modem_poll until the uplink ends, calling the port's wait (if
 * any) between polls. Bounded: every step has a deadline and the retries are counted.
 */
int murmur_modem_send_wait(murmur_modem *modem, uint8_t fport, const uint8_t *payload, size_t length);

/** A short English name of a status ("ok", "timeout", "not joined", ...). */
const char *murmur_modem_status_name(int status);

#ifdef __cplusplus
}
#endif

#endif /* MURMUR_MODEM_H */
