/**
 * The one door to node-turn 0.0.6 internals, with a run-time extension of
 * its attribute parser.
 *
 * node-turn's Attribute#read throws on attributes it does not model or
 * models wrongly, and the whole request then goes unanswered:
 * - EVEN-PORT: `data.readBit is not a function` (the slice lost its subclass);
 * - RESERVATION-TOKEN: 8-byte readUIntBE (max 6) → RangeError;
 * - REQUESTED-ADDRESS-FAMILY and any other unknown type: 'Invalid Attribute type';
 * - malformed XOR-*-ADDRESS, LIFETIME, CHANNEL-NUMBER values: RangeError.
 *
 * The extension lets node-turn parse only the attributes it handles
 * correctly, and well-formed ones at that (checked with Confab's own codec).
 * Every other attribute is kept opaque: type, length and raw value, so
 * node-turn's MESSAGE-INTEGRITY check still covers the exact bytes, and
 * Confab's handlers decide what to serve and which STUN error to answer
 * (stun/message.ts decodes the same datagram). Installed once per process;
 * the pinned version is asserted by nodeTurn.test.ts.
 */
import NodeTurnServer from 'node-turn';
import Address from 'node-turn/lib/address';
import Allocation from 'node-turn/lib/allocation';
import Attribute from 'node-turn/lib/attribute';
import Message from 'node-turn/lib/message';
import Transport from 'node-turn/lib/transport';
import { Attr } from './stun/constants';
import { decodeXorAddress } from './stun/attributes';

export { Address, Allocation, Message, NodeTurnServer, Transport };

/** node-turn's protocol number for UDP transports. */
export const UDP_PROTOCOL = 0x11;

const NATIVE_ANY_LENGTH = new Set<number>([
  Attr.USERNAME,
  Attr.MESSAGE_INTEGRITY,
  Attr.REALM,
  Attr.NONCE,
  Attr.SOFTWARE,
  Attr.DATA,
  Attr.DONT_FRAGMENT,
  Attr.FINGERPRINT,
]);
const NATIVE_FOUR_BYTES = new Set<number>([
  Attr.LIFETIME,
  Attr.REQUESTED_TRANSPORT,
  Attr.CHANNEL_NUMBER,
]);
const NATIVE_XOR_ADDRESS = new Set<number>([
  Attr.XOR_PEER_ADDRESS,
  Attr.XOR_MAPPED_ADDRESS,
  Attr.XOR_RELAYED_ADDRESS,
]);
const NAMES = new Map<number, string>(
  Object.entries(Attr).map(([name, type]) => [type, name.toLowerCase().replace(/_/g, '-')]),
);

function parsesNatively(type: number, value: Buffer, transactionId: string): boolean {
  if (NATIVE_ANY_LENGTH.has(type)) return true;
  if (NATIVE_FOUR_BYTES.has(type)) return value.length === 4;
  if (NATIVE_XOR_ADDRESS.has(type)) {
    return decodeXorAddress(value, Buffer.from(transactionId, 'hex')) !== undefined;
  }
  return false;
}

const INSTALLED = Symbol.for('confab.turn.attributeReadExtension');
type ExtensiblePrototype = typeof Attribute.prototype & { [INSTALLED]?: true };

function installAttributeExtension(): void {
  const proto = Attribute.prototype as ExtensiblePrototype;
  if (proto[INSTALLED]) return;
  const nativeRead = proto.read;
  proto.read = function read(this: Attribute, data: Buffer): void {
    const type = data.readUInt16BE(0);
    const length = data.readUInt16BE(2);
    const value = data.subarray(4, 4 + length);
    if (parsesNatively(type, value, this.msg.transactionID)) {
      nativeRead.call(this, data);
      return;
    }
    this.type = type;
    this.length = length;
    this.padding = (4 - (length % 4)) % 4;
    this.value = value;
    this.name = NAMES.get(type) ?? `unknown-0x${type.toString(16).padStart(4, '0')}`;
  };
  proto[INSTALLED] = true;
}

installAttributeExtension();
