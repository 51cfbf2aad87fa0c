/*
 * The command sets of murmur_modem: one table of steps per module, nothing else. Commands and
 * replies follow the modules' AT command references:
 *   - Microchip RN2483 LoRa Technology Module Command Reference User's Guide (DS40001784), "mac tx":
 *     first reply ok | invalid_param | not_joined | no_free_ch | silent |
 *     frame_counter_err_rejoin_needed | busy | mac_paused | invalid_data_len, then after the
 *     transmission mac_tx_ok | mac_rx <port> <data> | mac_err | invalid_data_len. 57600 baud, CR LF.
 *   - Seeed LoRa-E5 AT Command Specification v1.0, AT+PORT and AT+MSGHEX: "+MSGHEX: Start" ...
 *     "+MSGHEX: Done", or "+MSGHEX: Please join network first", "LoRaWAN modem is busy",
 *     "No free channel", "DR error", "Length error <n>", "ERROR(<code>)". 9600 baud.
 *   - RAKwireless RUI3 AT Command Manual, AT+SEND=<port>:<payload>: "OK" then the asynchronous
 *     "+EVT:TX_DONE", or AT_ERROR | AT_PARAM_ERROR | AT_BUSY_ERROR | AT_TEST_PARAM_OVERFLOW |
 *     AT_NO_NETWORK_JOINED | AT_RX_ERROR | AT_DUTYCYCLE_RESTRICTED. 115200 baud.
 *   - Murata CMWX1ZZABZ with the Arduino MKR WAN AT firmware (as driven by the MKRWAN library):
 *     commands end with CR; AT+PORT=<p>, then "AT+UTX <len>" followed at once by the raw bytes;
 *     replies +OK | +ERR | +ERR_PARAM | +ERR_BUSY | +ERR_PARAM_OVERFLOW | +ERR_NO_NETWORK |
 *     +ERR_RX | +ERR_UNKNOWN. 19200 baud, 8N2.
 *   - Quectel BG96 TCP/IP Application Note, AT+QIOPEN=1,0,"UDP","<host>",<port>,0,1 (buffer access
 *     mode): "OK" then "+QIOPEN: 0,0" (or "+QIOPEN: 0,<err>"); AT+QISEND=0,<len>: the prompt ">",
 *     then the bytes, then "SEND OK" | "SEND FAIL" | "ERROR". 115200 baud.
 */
#include "murmur_modem.h"

#define MURMUR_REPLY_WAIT(prefix) {prefix, MURMUR_MODEM_REPLY_WAIT, MURMUR_MODEM_OK}
#define MURMUR_REPLY_DONE(prefix) {prefix, MURMUR_MODEM_REPLY_DONE, MURMUR_MODEM_OK}
#define MURMUR_REPLY_ERROR(prefix, status) {prefix, MURMUR_MODEM_REPLY_ERROR, status}
#define MURMUR_REPLY_END {0, 0, 0}

/* ---- Microchip RN2483 ---- */

static const murmur_modem_reply rn2483_tx_replies[] = {
    MURMUR_REPLY_WAIT("ok"),
    MURMUR_REPLY_DONE("mac_tx_ok"),
    MURMUR_REPLY_DONE("mac_rx "),
    MURMUR_REPLY_ERROR("mac_err", MURMUR_MODEM_ERR_TX_FAILED),
    MURMUR_REPLY_ERROR("busy", MURMUR_MODEM_ERR_BUSY),
    MURMUR_REPLY_ERROR("mac_paused", MURMUR_MODEM_ERR_BUSY),
    MURMUR_REPLY_ERROR("no_free_ch", MURMUR_MODEM_ERR_NO_CHANNEL),
    MURMUR_REPLY_ERROR("not_joined", MURMUR_MODEM_ERR_NOT_JOINED),
    MURMUR_REPLY_ERROR("silent", MURMUR_MODEM_ERR_NOT_JOINED),
    MURMUR_REPLY_ERROR("frame_counter_err_rejoin_needed", MURMUR_MODEM_ERR_NOT_JOINED),
    MURMUR_REPLY_ERROR("invalid_param", MURMUR_MODEM_ERR_REJECTED),
    MURMUR_REPLY_ERROR("invalid_data_len", MURMUR_MODEM_ERR_REJECTED),
    MURMUR_REPLY_END,
};

static const murmur_modem_step rn2483_steps[] = {
    {"mac tx uncnf %p %x\r\n", rn2483_tx_replies, 15000u, 0u, 0u},
};

const murmur_modem_command_set murmur_modem_rn2483 = {"rn2483", rn2483_steps, 1u, 57600u, 51u};

/* ---- Seeed Wio-E5 ---- */

static const murmur_modem_reply wio_e5_port_replies[] = {
    MURMUR_REPLY_ERROR("+PORT: ERROR", MURMUR_MODEM_ERR_REJECTED),
    MURMUR_REPLY_DONE("+PORT:"),
    MURMUR_REPLY_END,
};

static const murmur_modem_reply wio_e5_msghex_replies[] = {
    MURMUR_REPLY_WAIT("+MSGHEX: Start"),
    MURMUR_REPLY_DONE("+MSGHEX: Done"),
    MURMUR_REPLY_ERROR("+MSGHEX: Please join network first", MURMUR_MODEM_ERR_NOT_JOINED),
    MURMUR_REPLY_ERROR("+MSGHEX: LoRaWAN modem is busy", MURMUR_MODEM_ERR_BUSY),
    MURMUR_REPLY_ERROR("+MSGHEX: No free channel", MURMUR_MODEM_ERR_NO_CHANNEL),
    MURMUR_REPLY_ERROR("+MSGHEX: DR error", MURMUR_MODEM_ERR_REJECTED),
    MURMUR_REPLY_ERROR("+MSGHEX: Length error", MURMUR_MODEM_ERR_REJECTED),
    MURMUR_REPLY_ERROR("+MSGHEX: ERROR", MURMUR_MODEM_ERR_MODEM),
    MURMUR_REPLY_END,
};

static const murmur_modem_step wio_e5_steps[] = {
    {"AT+PORT=%p\r\n", wio_e5_port_replies, 1000u, 0u, 0u},
    {"AT+MSGHEX=\"%x\"\r\n", wio_e5_msghex_replies, 15000u, 0u, 0u},
};

const murmur_modem_command_set murmur_modem_wio_e5 = {"wio-e5", wio_e5_steps, 2u, 9600u, 51u};

/* ---- RAKwireless RAK3172 (RUI3) ---- */

static const murmur_modem_reply rak3172_send_replies[] = {
    MURMUR_REPLY_WAIT("OK"),
    MURMUR_REPLY_DONE("+EVT:TX_DONE"),
    MURMUR_REPLY_ERROR("AT_BUSY_ERROR", MURMUR_MODEM_ERR_BUSY),
    MURMUR_REPLY_ERROR("AT_DUTYCYCLE_RESTRICTED", MURMUR_MODEM_ERR_NO_CHANNEL),
    MURMUR_REPLY_ERROR("AT_NO_NETWORK_JOINED", MURMUR_MODEM_ERR_NOT_JOINED),
    MURMUR_REPLY_ERROR("AT_PARAM_ERROR", MURMUR_MODEM_ERR_REJECTED),
    MURMUR_REPLY_ERROR("AT_TEST_PARAM_OVERFLOW", MURMUR_MODEM_ERR_REJECTED),
    MURMUR_REPLY_ERROR("AT_RX_ERROR", MURMUR_MODEM_ERR_MODEM),
    MURMUR_REPLY_ERROR("AT_ERROR", MURMUR_MODEM_ERR_MODEM),
    MURMUR_REPLY_END,
};

static const murmur_modem_step rak3172_steps[] = {
    {"AT+SEND=%p:%x\r\n", rak3172_send_replies, 15000u, 0u, 0u},
};

const murmur_modem_command_set murmur_modem_rak3172 = {"rak3172", rak3172_steps, 1u, 115200u, 242u};

/* ---- Murata CMWX1ZZABZ, Arduino MKR WAN AT firmware ---- */

static const murmur_modem_reply murata_replies[] = {
    MURMUR_REPLY_DONE("+OK"),
    MURMUR_REPLY_ERROR("+ERR_PARAM", MURMUR_MODEM_ERR_REJECTED),
    MURMUR_REPLY_ERROR("+ERR_BUSY", MURMUR_MODEM_ERR_BUSY),
    MURMUR_REPLY_ERROR("+ERR_NO_NETWORK", MURMUR_MODEM_ERR_NOT_JOINED),
    MURMUR_REPLY_ERROR("+ERR_RX", MURMUR_MODEM_ERR_TX_FAILED),
    MURMUR_REPLY_ERROR("+ERR", MURMUR_MODEM_ERR_MODEM),
    MURMUR_REPLY_END,
};

static const murmur_modem_step murata_steps[] = {
    {"AT+PORT=%p\r", murata_replies, 1000u, 0u, 0u},
    {"AT+UTX %n\r%b", murata_replies, 5000u, 0u, 0u},
};

const murmur_modem_command_set murmur_modem_murata_cmwx1zzabz = {"murata-cmwx1zzabz", murata_steps, 2u, 19200u,
                                                                  64u};

/* ---- Quectel BG96, UDP socket ---- */

static const murmur_modem_reply bg96_open_replies[] = {
    MURMUR_REPLY_WAIT("OK"),
    MURMUR_REPLY_DONE("+QIOPEN: 0,0"),
    MURMUR_REPLY_ERROR("+QIOPEN: 0,", MURMUR_MODEM_ERR_MODEM),
    MURMUR_REPLY_ERROR("+CME ERROR", MURMUR_MODEM_ERR_MODEM),
    MURMUR_REPLY_ERROR("ERROR", MURMUR_MODEM_ERR_MODEM),
    MURMUR_REPLY_END,
};

static const murmur_modem_reply bg96_prompt_replies[] = {
    MURMUR_REPLY_DONE(">"),
    MURMUR_REPLY_ERROR("+CME ERROR", MURMUR_MODEM_ERR_MODEM),
    MURMUR_REPLY_ERROR("ERROR", MURMUR_MODEM_ERR_MODEM),
    MURMUR_REPLY_END,
};

static const murmur_modem_reply bg96_data_replies[] = {
    MURMUR_REPLY_DONE("SEND OK"),
    MURMUR_REPLY_ERROR("SEND FAIL", MURMUR_MODEM_ERR_TX_FAILED),
    MURMUR_REPLY_ERROR("ERROR", MURMUR_MODEM_ERR_MODEM),
    MURMUR_REPLY_END,
};

static const murmur_modem_step bg96_steps[] = {
    {"AT+QIOPEN=1,0,\"UDP\",\"%s\",%u,0,1\r\n", bg96_open_replies, 150000u, MURMUR_MODEM_STEP_ONCE, 0u},
    {"AT+QISEND=0,%n\r\n", bg96_prompt_replies, 5000u, MURMUR_MODEM_STEP_PROMPT, 0u},
    {"%b", bg96_data_replies, 10000u, 0u, 1u},
};

const murmur_modem_command_set murmur_modem_bg96 = {"bg96", bg96_steps, 3u, 115200u, 1460u};
