/*
 * murmur_modem command set: Microchip RN2483. Commands and replies follow the
 * Microchip RN2483 LoRa Technology Module Command Reference User's Guide (DS40001784), "mac tx":
 * first reply ok | invalid_param | not_joined | no_free_ch | silent |
 * frame_counter_err_rejoin_needed | busy | mac_paused | invalid_data_len, then after the
 * transmission mac_tx_ok | mac_rx <port> <data> | mac_err | invalid_data_len. 57600 baud, CR LF.
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

static const MURMUR_MODEM_ROM murmur_modem_reply rn2483_tx_replies[] = {
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

static const MURMUR_MODEM_ROM murmur_modem_step rn2483_steps[] = {
    {MURMUR_MODEM_STR("mac tx uncnf %p %x\r\n"), rn2483_tx_replies, 15000u, 0u, 0u},
};

const MURMUR_MODEM_ROM murmur_modem_command_set murmur_modem_rn2483 = {
    MURMUR_MODEM_STR("rn2483"), rn2483_steps, 1u, 57600u, 222u};
