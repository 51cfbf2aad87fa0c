/*
 * murmur_modem command set: Seeed Wio-E5. Commands and replies follow the
 * Seeed LoRa-E5 AT Command Specification v1.0, AT+PORT and AT+MSGHEX: "+MSGHEX: Start" ...
 * "+MSGHEX: Done", or "+MSGHEX: Please join network first", "LoRaWAN modem is busy",
 * "No free channel", "DR error", "Length error <n>", "ERROR(<code>)". 9600 baud.
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

static const MURMUR_MODEM_ROM murmur_modem_reply wio_e5_port_replies[] = {
    MURMUR_REPLY_ERROR("+PORT: ERROR", MURMUR_MODEM_ERR_REJECTED),
    MURMUR_REPLY_DONE("+PORT:"),
    MURMUR_REPLY_END,
};

static const MURMUR_MODEM_ROM murmur_modem_reply wio_e5_msghex_replies[] = {
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

static const MURMUR_MODEM_ROM murmur_modem_step wio_e5_steps[] = {
    {MURMUR_MODEM_STR("AT+PORT=%p\r\n"), wio_e5_port_replies, 1000u, 0u, 0u},
    {MURMUR_MODEM_STR("AT+MSGHEX=\"%x\"\r\n"), wio_e5_msghex_replies, 15000u, 0u, 0u},
};

const MURMUR_MODEM_ROM murmur_modem_command_set murmur_modem_wio_e5 = {
    MURMUR_MODEM_STR("wio-e5"), wio_e5_steps, 2u, 9600u, 242u};
