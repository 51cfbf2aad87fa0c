/* The messages the chain-test firmware sends; uplink_messages.c is generated per test run. */
#ifndef UPLINK_MESSAGES_H
#define UPLINK_MESSAGES_H

#include <stddef.h>
#include <stdint.h>

extern const unsigned uplink_message_count;
extern const uint8_t uplink_fport;

/** Encodes message `index` (bit-packed, or the compact CBOR form when `cbor`); returns the length or 0. */
size_t uplink_message_encode(unsigned index, int cbor, uint8_t *out, size_t cap);

#endif /* UPLINK_MESSAGES_H */
