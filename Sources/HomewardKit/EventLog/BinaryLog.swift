import Foundation

/// The binary event log (`.hwlog`), container version 2. Every number is little-endian. Byte
/// layout (documented with the same tables in docs/event-log.md):
///
/// File header (16 + N + 4 bytes):
///
/// | offset | size | field |
/// |---|---|---|
/// | 0 | 8 | magic `89 48 57 4C 4F 47 0D 0A` (`\x89HWLOG\r\n`) |
/// | 8 | 2 | container version (2) |
/// | 10 | 2 | record size (32) |
/// | 12 | 4 | N, length of the header text |
/// | 16 | N | header text: `EventLogHeader.json` as UTF-8 JSON, exactly line 1 of a JSON Lines log |
/// | 16 + N | 4 | CRC-32C of bytes 0 ..< 16 + N |
///
/// The file id is the first 16 bytes of the SHA-256 of bytes 0 ..< 16 + N (it is not stored:
/// a reader derives it from the header, see `BinaryFileIdentity`).
///
/// Then blocks, each a 32-byte block header and its payload of `count` records:
///
/// | offset | size | field |
/// |---|---|---|
/// | 0 | 4 | block magic `48 57 42 4B` ("HWBK") |
/// | 4 | 4 | replication (UInt32) |
/// | 8 | 4 | block number within the replication, from 0 (UInt32) |
/// | 12 | 4 | event count (UInt32, 1 ... 1,048,576) |
/// | 16 | 4 | payload length in bytes (UInt32, = count x 32) |
/// | 20 | 4 | file tag: bytes 0 to 3 of the file id |
/// | 24 | 4 | CRC-32C of the payload |
/// | 28 | 4 | CRC-32C of the 16-byte file id followed by bytes 0 ..< 28 of this block header |
///
/// A record (32 bytes):
///
/// | offset | size | field |
/// |---|---|---|
/// | 0 | 8 | time, IEEE 754 binary64 bits |
/// | 8 | 8 | sequence (UInt64) |
/// | 16 | 4 | patient (UInt32; 0xFFFFFFFF for none) |
/// | 20 | 4 | detail (Int32) |
/// | 24 | 2 | cohort (Int16; -1 for none) |
/// | 26 | 2 | service (Int16; -1 for none) |
/// | 28 | 1 | kind (`EventKind` raw value) |
/// | 29 | 3 | reserved, zero |
///
/// End-of-file trailer (32 bytes):
///
/// | offset | size | field |
/// |---|---|---|
/// | 0 | 4 | trailer magic `48 57 45 4E` ("HWEN") |
/// | 4 | 4 | replications (UInt32) |
/// | 8 | 8 | total events (UInt64) |
/// | 16 | 8 | total blocks (UInt64) |
/// | 24 | 4 | reserved, zero |
/// | 28 | 4 | CRC-32C of bytes 0 ..< 28 of the trailer |
///
/// Version 1 (still read) differs only in its 24-byte block header: magic, replication, count,
/// payload length, payload CRC, and the CRC-32C of its bytes 0 ..< 20, with no block number and
/// no file id.
public enum BinaryLayout {
    public static let magic: [UInt8] = [0x89, 0x48, 0x57, 0x4C, 0x4F, 0x47, 0x0D, 0x0A]
    /// The container version written.
    public static let version: UInt16 = 2
    /// The container versions read.
    public static let readableVersions: ClosedRange<UInt16> = 1...2
    public static let recordSize = 32
    public static let fixedHeaderSize = 16
    /// The block header written (version 2).
    public static let blockHeaderSize = 32
    public static let trailerSize = 32
    /// "HWBK" read as a little-endian UInt32.
    public static let blockMagic: UInt32 = 0x4B42_5748
    /// "HWEN" read as a little-endian UInt32.
    public static let trailerMagic: UInt32 = 0x4E45_5748
    /// Events per block written by Homeward (256 KiB of records).
    public static let eventsPerBlock = 8192
    /// The most events a reader accepts in one block.
    public static let maximumEventsPerBlock = 1 << 20
    /// The longest header text a reader accepts (binary header, and line 1 of a text log).
    public static let maximumHeaderLength = 16 << 20
    /// Bytes of the file id.
    public static let fileIDSize = 16

    /// The size of a block header in container `version`.
    static func blockHeaderSize(version: UInt16) -> Int { version == 1 ? 24 : 32 }

    /// The file header without its checksum: what the file id is derived from.
    static func fileHeaderBody(_ header: EventLogHeader) -> [UInt8] {
        let text = Array(header.json.jsonText().utf8)
        var bytes = magic
        append(version, to: &bytes)
        append(UInt16(recordSize), to: &bytes)
        append(UInt32(text.count), to: &bytes)
        bytes += text
        return bytes
    }

    static func fileHeader(_ header: EventLogHeader) -> [UInt8] {
        var bytes = fileHeaderBody(header)
        append(CRC32C.checksum(bytes), to: &bytes)
        return bytes
    }

    static func trailer(replications: Int, events: UInt64, blocks: UInt64) -> [UInt8] {
        var bytes: [UInt8] = []
        append(trailerMagic, to: &bytes)
        append(UInt32(replications), to: &bytes)
        append(events, to: &bytes)
        append(blocks, to: &bytes)
        append(UInt32(0), to: &bytes)
        append(CRC32C.checksum(bytes), to: &bytes)
        return bytes
    }

    static func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    @inline(__always)
    static func load<T: FixedWidthInteger>(_ p: UnsafeRawBufferPointer, _ offset: Int, as: T.Type) -> T {
        T(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}

/// What binds a binary log's blocks to their file: the file id, the first 16 bytes of the
/// SHA-256 of the file header (magic, version, record size, header length and header text,
/// which holds the Homeward version, scenario hash, seed, replications and projection context).
///
/// Every block header's checksum starts with the id, so a block taken from another log does not
/// check; the block's replication and number within it are in the checksummed bytes, so a block
/// moved within its file is found too. The id is derived, not random, so that a run writes the
/// same bytes whatever its thread count and `events convert` round trips are byte-identical.
struct BinaryFileIdentity: Sendable {
    /// The 16 bytes of the id.
    let bytes: [UInt8]
    /// CRC-32C state after the id: each block header's checksum continues from it.
    let seed: CRC32C

    /// The identity of a file whose header, without its checksum, is `body`.
    init(headerBody body: some Sequence<UInt8>) {
        bytes = Array(SHA256.digest(body).prefix(BinaryLayout.fileIDSize))
        var c = CRC32C()
        bytes.withUnsafeBytes { c.update($0) }
        seed = c
    }

    init(header: EventLogHeader) { self.init(headerBody: BinaryLayout.fileHeaderBody(header)) }

    /// Bytes 0 to 3 of the id, as stored in every block header.
    var tag: UInt32 { bytes.withUnsafeBytes { BinaryLayout.load($0, 0, as: UInt32.self) } }

    /// The checksum of a block header's first 28 bytes, bound to this file.
    @inline(__always)
    func checksum(_ blockHeader: UnsafeRawBufferPointer) -> UInt32 {
        var c = seed
        c.update(blockHeader)
        return c.value
    }

    /// The id in hex, for messages and `events info`.
    var hex: String { bytes.map { String($0, radix: 16).leftPadded(to: 2, with: "0") }.joined() }
}

/// The memory of a binary writer's block: preallocated once, filled in place.
final class BlockBuffer {
    let bytes: UnsafeMutableRawBufferPointer

    init(capacity: Int) {
        bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
        bytes.initializeMemory(as: UInt8.self, repeating: 0)
    }

    deinit { bytes.deallocate() }
}

/// Writes events as blocks of 32-byte records (see `BinaryLayout`). Each event is stored
/// straight into a preallocated block buffer (no allocation per event); a full buffer is
/// checksummed and written with one `write`: one block per flush.
public struct BinaryEventLogWriter: EventLogWriter {
    public static let format = EventLogFormat.binary
    public let output: EventLogOutput
    let buffer: BlockBuffer
    let capacity: Int
    let identity: BinaryFileIdentity
    var count = 0
    var replication: UInt32
    /// The number of the next block within the current replication.
    var blockInReplication: UInt32 = 0
    public private(set) var eventsWritten: UInt64 = 0
    public private(set) var blocksWritten: UInt64 = 0

    public init(output: EventLogOutput, header: EventLogHeader, replication: Int) {
        self.init(output: output, header: header, replication: replication, eventsPerBlock: BinaryLayout.eventsPerBlock)
    }

    /// A writer with blocks of `eventsPerBlock` events (small blocks are for tests), for the
    /// log whose header is `header` (its blocks are bound to it).
    public init(output: EventLogOutput, header: EventLogHeader, replication: Int, eventsPerBlock: Int) {
        precondition(eventsPerBlock >= 1 && eventsPerBlock <= BinaryLayout.maximumEventsPerBlock)
        self.output = output
        self.replication = UInt32(replication)
        identity = BinaryFileIdentity(header: header)
        capacity = eventsPerBlock
        buffer = BlockBuffer(capacity: BinaryLayout.blockHeaderSize + eventsPerBlock * BinaryLayout.recordSize)
    }

    @inline(__always)
    public mutating func append(_ e: Event) {
        let p = buffer.bytes
        let o = BinaryLayout.blockHeaderSize &+ count &* BinaryLayout.recordSize
        p.storeBytes(of: e.time.bitPattern.littleEndian, toByteOffset: o, as: UInt64.self)
        p.storeBytes(of: e.sequence.littleEndian, toByteOffset: o &+ 8, as: UInt64.self)
        p.storeBytes(of: e.patient.littleEndian, toByteOffset: o &+ 16, as: UInt32.self)
        p.storeBytes(of: e.detail.littleEndian, toByteOffset: o &+ 20, as: Int32.self)
        p.storeBytes(of: e.cohort.littleEndian, toByteOffset: o &+ 24, as: Int16.self)
        p.storeBytes(of: e.service.littleEndian, toByteOffset: o &+ 26, as: Int16.self)
        // Kind and the three reserved zero bytes in one store.
        p.storeBytes(of: UInt32(e.kind.rawValue).littleEndian, toByteOffset: o &+ 28, as: UInt32.self)
        count &+= 1
        eventsWritten &+= 1
        if count == capacity { flush() }
    }

    public mutating func begin(replication r: Int) {
        flush()
        if UInt32(r) != replication { blockInReplication = 0 }
        replication = UInt32(r)
    }

    /// Ends the current block: fills in its header and writes it.
    public mutating func flush() {
        guard count > 0 else { return }
        let p = buffer.bytes
        let payload = count * BinaryLayout.recordSize
        let crc = CRC32C.checksum(
            UnsafeRawBufferPointer(rebasing: p[BinaryLayout.blockHeaderSize..<(BinaryLayout.blockHeaderSize + payload)])
        )
        p.storeBytes(of: BinaryLayout.blockMagic.littleEndian, toByteOffset: 0, as: UInt32.self)
        p.storeBytes(of: replication.littleEndian, toByteOffset: 4, as: UInt32.self)
        p.storeBytes(of: blockInReplication.littleEndian, toByteOffset: 8, as: UInt32.self)
        p.storeBytes(of: UInt32(count).littleEndian, toByteOffset: 12, as: UInt32.self)
        p.storeBytes(of: UInt32(payload).littleEndian, toByteOffset: 16, as: UInt32.self)
        p.storeBytes(of: identity.tag.littleEndian, toByteOffset: 20, as: UInt32.self)
        p.storeBytes(of: crc.littleEndian, toByteOffset: 24, as: UInt32.self)
        let headerCRC = identity.checksum(UnsafeRawBufferPointer(rebasing: p[0..<28]))
        p.storeBytes(of: headerCRC.littleEndian, toByteOffset: 28, as: UInt32.self)
        output.write(UnsafeRawBufferPointer(rebasing: p[0..<(BinaryLayout.blockHeaderSize + payload)]))
        count = 0
        blockInReplication &+= 1
        blocksWritten += 1
    }
}

func hex(_ v: UInt32) -> String { "0x" + String(v, radix: 16).leftPadded(to: 8, with: "0") }

extension EventKind {
    /// Kinds whose `service` must name a service.
    static let needingService: Set<EventKind> = [
        .enter, .leave, .capacity, .delay, .transferWait, .careHomeAdmission, .serviceEnd,
    ]
}
