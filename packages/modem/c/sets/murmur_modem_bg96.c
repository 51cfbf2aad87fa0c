/*
 * murmur_modem command set: Quectel BG96, UDP socket. Commands and replies follow the
 * Quectel BG96 TCP/IP Application Note, AT+QIOPEN=1,0,"UDP","<host>",<port>,0,1 (buffer access
 * mode): "OK" then "+QIOPEN: 0,0" (or "+QIOPEN: 0,<err>"); AT+QISEND=0,<len>: the prompt ">",
 * then the bytes, then "SEND OK" | "SEND FAIL" | "ERROR". 115200 baud.
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

static const MURMUR_MODEM_ROM murmur_modem_reply bg96_open_replies[] = {
    MURMUR_REPLY_WAIT("OK"),
    MURMUR_REPLY_DONE("+QIOPEN: 0,0"),
    MURMUR_REPLY_ERROR("+QIOPEN: 0,", MURMUR_MODEM_ERR_MODEM),
    MURMUR_REPLY_ERROR("+CME ERROR", MURMUR_MODEM_ERR_MODEM),
    MURMUR_REPLY_ERROR("ERROR", MURMUR_MODEM_ERR_MODEM),
    MURMUR_REPLY_END,
};

static const MURMUR_MODEM_ROM murmur_modem_reply bg96_prompt_replies[] = {
    MURMUR_REPLY_DONE(">"),
    MURMUR_REPLY_ERROR("+CME ERROR", MURMUR_MODEM_ERR_MODEM),
    MURMUR_REPLY_ERROR("ERROR", MURMUR_MODEM_ERR_MODEM),
    MURMUR_REPLY_END,
};

static const MURMUR_MODEM_ROM murmur_modem_reply bg96_data_replies[] = {
    MURMUR_REPLY_DONE("SEND OK"),
    MURMUR_REPLY_ERROR("SEND FAIL", MURMUR_MODEM_ERR_TX_FAILED),
    MURMUR_REPLY_ERROR("ERROR", MURMUR_MODEM_ERR_MODEM),
    MURMUR_REPLY_END,
};

static const MURMUR_MODEM_ROM murmur_modem_step bg96_steps[] = {
    {MURMUR_MODEM_STR("AT+QIOPEN=1,0,\"UDP\",\"%s\",%u,0,1\r\n"), bg96_open_replies, 150000u,
     MURMUR_MODEM_STEP_ONCE, 0u},
    {MURMUR_MODEM_STR("AT+QISEND=0,%n\r\n"), bg96_prompt_replies, 5000u, MURMUR_MODEM_STEP_PROMPT, 0u},
    {MURMUR_MODEM_STR("%b"), bg96_data_replies, 10000u, 0u, 1u},
};

const MURMUR_MODEM_ROM murmur_modem_command_set murmur_modem_bg96 = {
    MURMUR_MODEM_STR("bg96"), bg96_steps, 3u, 115200u, 1460u};
