/*
 * murmur_modem command set: Murata CMWX1ZZABZ, Arduino MKR WAN AT firmware. Commands and replies follow the
 * Murata CMWX1ZZABZ with the Arduino MKR WAN AT firmware (as driven by the MKRWAN library):
 * commands end with CR; AT+PORT=<p>, then "AT+UTX <len>" followed at once by the raw bytes;
 * replies +OK | +ERR | +ERR_PARAM | +ERR_BUSY | +ERR_PARAM_OVERFLOW | +ERR_NO_NETWORK |
 * +ERR_RX | +ERR_UNKNOWN. 19200 baud, 8N2.
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

static const MURMUR_MODEM_ROM murmur_modem_reply murata_replies[] = {
    MURMUR_REPLY_DONE("+OK"),
    MURMUR_REPLY_ERROR("+ERR_PARAM", MURMUR_MODEM_ERR_REJECTED),
    MURMUR_REPLY_ERROR("+ERR_BUSY", MURMUR_MODEM_ERR_BUSY),
    MURMUR_REPLY_ERROR("+ERR_NO_NETWORK", MURMUR_MODEM_ERR_NOT_JOINED),
    MURMUR_REPLY_ERROR("+ERR_RX", MURMUR_MODEM_ERR_TX_FAILED),
    MURMUR_REPLY_ERROR("+ERR", MURMUR_MODEM_ERR_MODEM),
    MURMUR_REPLY_END,
};

static const MURMUR_MODEM_ROM murmur_modem_step murata_steps[] = {
    {MURMUR_MODEM_STR("AT+PORT=%p\r"), murata_replies, 1000u, 0u, 0u},
    {MURMUR_MODEM_STR("AT+UTX %n\r%b"), murata_replies, 5000u, 0u, 0u},
};

const MURMUR_MODEM_ROM murmur_modem_command_set murmur_modem_murata_cmwx1zzabz = {
    MURMUR_MODEM_STR("murata-cmwx1zzabz"), murata_steps, 2u, 19200u, 64u};
