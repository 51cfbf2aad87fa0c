/* Shorthands for the tables of the murmur_modem command sets (one file per modem in this folder). */
#ifndef MURMUR_MODEM_SET_H
#define MURMUR_MODEM_SET_H

#include "murmur_modem.h"

#define MURMUR_REPLY_WAIT(prefix) {MURMUR_MODEM_STR(prefix), MURMUR_MODEM_REPLY_WAIT, MURMUR_MODEM_OK}
#define MURMUR_REPLY_DONE(prefix) {MURMUR_MODEM_STR(prefix), MURMUR_MODEM_REPLY_DONE, MURMUR_MODEM_OK}
#define MURMUR_REPLY_ERROR(prefix, status) {MURMUR_MODEM_STR(prefix), MURMUR_MODEM_REPLY_ERROR, status}
#define MURMUR_REPLY_END {0, 0, 0}

#endif /* MURMUR_MODEM_SET_H */
