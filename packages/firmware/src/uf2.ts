/**
 * UF2, the format the RP2040 boot ROM's USB mass-storage drive accepts (https://github.com/microsoft/uf2):
 * 512-byte blocks, each carrying 256 bytes for one flash address, with start/end magic numbers and the
 * family ID of the target.
 */
export const rp2040FamilyId = 0xe48bff56;

const blockBytes = 512;
const payloadBytes = 256;
const magicStart0 = 0x0a324655;
const magicStart1 = 0x9e5d5157;
const magicEnd = 0x0ab16f30;
const flagFamilyIdPresent = 0x00002000;

/** Converts a flash image that starts at `baseAddress` into UF2 blocks. */
export function toUf2(image: Uint8Array, baseAddress: number, familyId: number): Buffer {
  const count = Math.ceil(image.length / payloadBytes);
  const out = Buffer.alloc(count * blockBytes);
  for (let block = 0; block < count; block++) {
    const at = block * blockBytes;
    out.writeUInt32LE(magicStart0, at);
    out.writeUInt32LE(magicStart1, at + 4);
    out.writeUInt32LE(flagFamilyIdPresent, at + 8);
    out.writeUInt32LE(baseAddress + block * payloadBytes, at + 12);
    out.writeUInt32LE(payloadBytes, at + 16);
    out.writeUInt32LE(block, at + 20);
    out.writeUInt32LE(count, at + 24);
    out.writeUInt32LE(familyId, at + 28);
    out.set(image.subarray(block * payloadBytes, (block + 1) * payloadBytes), at + 32);
    out.writeUInt32LE(magicEnd, at + blockBytes - 4);
  }
  return out;
}
