/*
 * murmur_modem command set: RAKwireless RAK3172 (RUI3). Commands and replies follow the
 * RAKwireless RUI3 AT Command Manual, AT+SEND=<port>:<payload>: "OK" then the asynchronous
 * "+EVT:TX_DONE", or AT_ERROR | AT_PARAM_ERROR | AT_BUSY_ERROR | AT_TEST_PARAM_OVERFLOW |
 * AT_NO_NETWORK_JOINED | AT_RX_ERROR | AT_DUTYCYCLE_RESTRICTED. 115200 baud.
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
#include "murmur_modem_set.h"

static const MURMUR_MODEM_ROM murmur_modem_reply rak3172_send_replies[] = {
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

static const MURMUR_MODEM_ROM murmur_modem_step rak3172_steps[] = {
    {MURMUR_MODEM_STR("AT+SEND=%p:%x\r\n"), rak3172_send_replies, 15000u, 0u, 0u},
};

const MURMUR_MODEM_ROM murmur_modem_command_set murmur_modem_rak3172 = {
    MURMUR_MODEM_STR("rak3172"), rak3172_steps, 1u, 115200u, 242u};
