/*
 * The one function a UART port file provides to murmur_modem: set up the modem's UART and a
 * millisecond clock and return the port. Each file in this folder implements it for one target.
 */
#ifndef MURMUR_MODEM_PORT_H
#define MURMUR_MODEM_PORT_H

#include <stdint.h>

#include "murmur_modem.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Opens the modem's UART at `baud` (8N1) and starts the clock; NULL when that is not possible. */
const murmur_modem_port *murmur_modem_port_open(uint32_t baud);

#ifdef __cplusplus
}
#endif

#endif /* MURMUR_MODEM_PORT_H */
