import Foundation

/// The binary event log (`.hwlog`), version 1. Every number is little-endian. Byte layout
/// (documented with the same tables in docs/event-log.md):
///
/// File header (16 + N + 4 bytes):
///
/// | offset | size | field |
/// |---|---|---|
/// | 0 | 8 | magic `89 48 57 4C 4F 47 0D 0A` (`\x89HWLOG\r\n`) |
/// | 8 | 2 | container version (1) |
/// | 10 | 2 | record size (32) |
/// | 12 | 4 | N, length of the header text |
/// | 16 | N | header text: `EventLogHeader.json` as UTF-8 JSON, exactly line 1 of a JSON Lines log |
/// | 16 + N | 4 | CRC-32C of bytes 0 ..< 16 + N |
///
/// Then blocks, each a 24-byte block header and its payload of `count` records:
///
/// | offset | size | field |
/// |---|---|---|
/// | 0 | 4 | block magic `48 57 42 4B` ("HWBK") |
/// | 4 | 4 | replication (UInt32) |
/// | 8 | 4 | event count (UInt32, 1 ... 1,048,576) |
/// | 12 | 4 | payload length in bytes (UInt32, = count x 32) |
/// | 16 | 4 | CRC-32C of the payload |
/// | 20 | 4 | CRC-32C of bytes 0 ..< 20 of this block header |
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
public enum BinaryLayout {
    public static let magic: [UInt8] = [0x89, 0x48, 0x57, 0x4C, 0x4F, 0x47, 0x0D, 0x0A]
    public static let version: UInt16 = 1
    public static let recordSize = 32
    public static let fixedHeaderSize = 16
    public static let blockHeaderSize = 24
    public static let trailerSize = 32
    /// "HWBK" read as a little-endian UInt32.
    public static let blockMagic: UInt32 = 0x4B42_5748
    /// "HWEN" read as a little-endian UInt32.
    public static let trailerMagic: UInt32 = 0x4E45_5748
    /// Events per block written by Homeward (256 KiB of records).
    public static let eventsPerBlock = 8192
    /// The most events a reader accepts in one block.
    public static let maximumEventsPerBlock = 1 << 20
    /// The longest header text a reader accepts.
    public static let maximumHeaderLength = 64 << 20

    static func fileHeader(_ header: EventLogHeader) -> [UInt8] {
        let text = Array(header.json.jsonText().utf8)
        var bytes = magic
        append(version, to: &bytes)
        append(UInt16(recordSize), to: &bytes)
        append(UInt32(text.count), to: &bytes)
        bytes += text
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
    var count = 0
    var replication: UInt32
    public private(set) var eventsWritten: UInt64 = 0
    public private(set) var blocksWritten: UInt64 = 0

    public init(output: EventLogOutput, context: ProjectionContext, replication: Int) {
        self.init(output: output, replication: replication, eventsPerBlock: BinaryLayout.eventsPerBlock)
    }

    /// A writer with blocks of `eventsPerBlock` events (small blocks are for tests).
    public init(output: EventLogOutput, replication: Int, eventsPerBlock: Int) {
        precondition(eventsPerBlock >= 1 && eventsPerBlock <= BinaryLayout.maximumEventsPerBlock)
        self.output = output
        self.replication = UInt32(replication)
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
        p.storeBytes(of: UInt32(count).littleEndian, toByteOffset: 8, as: UInt32.self)
        p.storeBytes(of: UInt32(payload).littleEndian, toByteOffset: 12, as: UInt32.self)
        p.storeBytes(of: crc.littleEndian, toByteOffset: 16, as: UInt32.self)
        let headerCRC = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: p[0..<20]))
        p.storeBytes(of: headerCRC.littleEndian, toByteOffset: 20, as: UInt32.self)
        output.write(UnsafeRawBufferPointer(rebasing: p[0..<(BinaryLayout.blockHeaderSize + payload)]))
        count = 0
        blocksWritten += 1
    }
}

/// Reads a binary log block by block through a fixed buffer: each block's header and payload
/// checksums are verified before any of its events is handed out.
final class BinaryEventSource: EventRecordSource {
    let input: EventLogInput
    let path: String
    let header: EventLogHeader
    let headerBytes: Int64
    let cohortCount: Int
    let serviceCount: Int

    /// Number (from 1) and offset of the current block; its event count and the next event.
    private var block = 0
    private var blockOffset: Int64 = 0
    private var blockReplication = 0
    private var eventsInBlock = 0
    private var index = 0
    private var inBlock = false
    private var eventsDecoded: UInt64 = 0
    private(set) var trailerFound = false

    init(input: EventLogInput) throws(LogError) {
        self.input = input
        path = input.path
        let fixed = BinaryLayout.fixedHeaderSize
        let got = try input.ensure(fixed)
        func truncatedHeader(_ got: Int, of size: Int) -> LogError {
            LogError.truncated(
                "\(input.path): the file ends inside the binary header at byte offset \(got) (the header is \(size) bytes)"
            )
        }
        guard got >= fixed else { throw truncatedHeader(got, of: fixed) }
        let fixedBytes = input.available
        guard fixedBytes.starts(with: BinaryLayout.magic) else {
            throw LogError.corrupt("\(input.path): byte offset 0: not a binary Homeward event log (bad magic number)")
        }
        let version = BinaryLayout.load(fixedBytes, 8, as: UInt16.self)
        guard version == BinaryLayout.version else {
            throw LogError.corrupt(
                "\(input.path): byte offset 8: unsupported binary log version \(version) (this program reads version \(BinaryLayout.version))"
            )
        }
        let recordSize = BinaryLayout.load(fixedBytes, 10, as: UInt16.self)
        guard Int(recordSize) == BinaryLayout.recordSize else {
            throw LogError.corrupt(
                "\(input.path): byte offset 10: record size \(recordSize), expected \(BinaryLayout.recordSize)")
        }
        let length = Int(BinaryLayout.load(fixedBytes, 12, as: UInt32.self))
        guard length <= BinaryLayout.maximumHeaderLength else {
            throw LogError.corrupt(
                "\(input.path): byte offset 12: header length \(length) bytes is implausible (at most \(BinaryLayout.maximumHeaderLength))"
            )
        }
        let total = fixed + length + 4
        let available = try input.ensure(total)
        guard available >= total else { throw truncatedHeader(available, of: total) }
        let bytes = input.available
        let stored = BinaryLayout.load(bytes, fixed + length, as: UInt32.self)
        let computed = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<(fixed + length)]))
        guard stored == computed else {
            throw LogError.corrupt(
                "\(input.path): header (bytes 0 to \(total - 1)): checksum mismatch (CRC-32C stored \(hex(stored)), computed \(hex(computed)))"
            )
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[fixed..<(fixed + length)]), as: UTF8.self)
        let json: JSONValue
        do { json = try JSON5.parse(text) } catch {
            throw LogError.corrupt("\(input.path): header: \(error.description)")
        }
        do { header = try EventLogHeader(json: json, location: "header") } catch {
            if case .corrupt(let message) = error { throw LogError.corrupt("\(input.path): \(message)") }
            throw error
        }
        input.consume(total)
        headerBytes = Int64(total)
        cohortCount = header.context.cohorts.count
        serviceCount = header.context.services.count
    }

    private var blockLabel: String { "block \(block) at byte offset \(blockOffset)" }

    var location: String { "\(blockLabel), event \(index) of \(eventsInBlock)" }

    var offsetAfterRecord: Int64 {
        blockOffset + Int64(BinaryLayout.blockHeaderSize + index * BinaryLayout.recordSize)
    }

    var recordStart: Int64 { blockOffset }
    var endLocation: String { "at byte offset \(input.offset)" }

    var blocksThroughRecord: Int { inBlock && index < eventsInBlock ? block - 1 : block }

    private func corrupt(_ m: String) -> LogError { LogError.corrupt("\(path): \(blockLabel): \(m)") }

    func next() throws(LogError) -> (replication: Int, event: Event)? {
        if inBlock && index == eventsInBlock {
            input.consume(BinaryLayout.blockHeaderSize + eventsInBlock * BinaryLayout.recordSize)
            inBlock = false
        }
        if !inBlock {
            guard try startBlock() else { return nil }
        }
        let p = UnsafeRawBufferPointer(rebasing: input.available[BinaryLayout.blockHeaderSize...])
        let o = index * BinaryLayout.recordSize
        index += 1
        let time = Double(bitPattern: BinaryLayout.load(p, o, as: UInt64.self))
        let sequence = BinaryLayout.load(p, o + 8, as: UInt64.self)
        let patient = BinaryLayout.load(p, o + 16, as: UInt32.self)
        let detail = BinaryLayout.load(p, o + 20, as: Int32.self)
        let cohort = BinaryLayout.load(p, o + 24, as: Int16.self)
        let service = BinaryLayout.load(p, o + 26, as: Int16.self)
        let kindAndReserved = BinaryLayout.load(p, o + 28, as: UInt32.self)
        func bad(_ m: String) -> LogError { LogError.corrupt("\(path): \(location): \(m)") }
        guard kindAndReserved >> 8 == 0 else { throw bad("reserved bytes are not zero") }
        guard let kind = EventKind(rawValue: UInt8(kindAndReserved & 0xFF)) else {
            throw bad("unknown event kind \(kindAndReserved & 0xFF)")
        }
        guard time.isFinite, time >= 0 else { throw bad("bad time \(time)") }
        guard cohort >= -1, Int(cohort) < cohortCount else { throw bad("unknown cohort index \(cohort)") }
        guard service >= -1, Int(service) < serviceCount else { throw bad("unknown service index \(service)") }
        if service < 0 && EventKind.needingService.contains(kind) { throw bad("event '\(kind.name)' needs a service") }
        eventsDecoded += 1
        return (
            blockReplication,
            Event(
                time: time, sequence: sequence, patient: patient, kind: kind, cohort: cohort, service: service,
                detail: detail)
        )
    }

    /// Reads and checks the next block header and payload (or the trailer). False at the end.
    private func startBlock() throws(LogError) -> Bool {
        let offset = input.offset
        let got = try input.ensure(4)
        if got == 0 { return false }
        block += 1
        blockOffset = offset
        index = 0
        eventsInBlock = 0
        guard got >= 4 else {
            throw LogError.truncated(
                "\(path): \(blockLabel): the file ends \(got) bytes into a block header or the trailer")
        }
        let magic = BinaryLayout.load(input.available, 0, as: UInt32.self)
        if magic == BinaryLayout.trailerMagic {
            block -= 1
            try readTrailer(at: offset)
            return false
        }
        guard magic == BinaryLayout.blockMagic else {
            let shown = input.available.prefix(4).map { String($0, radix: 16).leftPadded(to: 2, with: "0") }.joined(
                separator: " ")
            throw corrupt("bad block magic (bytes \(shown), expected 48 57 42 4b)")
        }
        let headerGot = try input.ensure(BinaryLayout.blockHeaderSize)
        guard headerGot >= BinaryLayout.blockHeaderSize else {
            throw LogError.truncated(
                "\(path): \(blockLabel): the file ends inside the block header (\(headerGot) of \(BinaryLayout.blockHeaderSize) bytes)"
            )
        }
        var h = input.available
        let storedHeaderCRC = BinaryLayout.load(h, 20, as: UInt32.self)
        let headerCRC = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: h[0..<20]))
        guard storedHeaderCRC == headerCRC else {
            throw corrupt(
                "block header checksum mismatch (CRC-32C stored \(hex(storedHeaderCRC)), computed \(hex(headerCRC)))")
        }
        let replication = Int(BinaryLayout.load(h, 4, as: UInt32.self))
        let count = Int(BinaryLayout.load(h, 8, as: UInt32.self))
        let length = Int(BinaryLayout.load(h, 12, as: UInt32.self))
        let storedCRC = BinaryLayout.load(h, 16, as: UInt32.self)
        guard count >= 1, count <= BinaryLayout.maximumEventsPerBlock, length == count * BinaryLayout.recordSize else {
            throw corrupt("bad block header: \(count) events in \(length) payload bytes")
        }
        let total = BinaryLayout.blockHeaderSize + length
        let have = try input.ensure(total)
        guard have >= total else {
            throw LogError.truncated(
                "\(path): \(blockLabel) is cut short: the file ends after \(have - BinaryLayout.blockHeaderSize) of its \(length) payload bytes"
            )
        }
        h = input.available
        let crc = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: h[BinaryLayout.blockHeaderSize..<total]))
        guard crc == storedCRC else {
            throw corrupt(
                "payload checksum mismatch (CRC-32C stored \(hex(storedCRC)), computed \(hex(crc))): bytes \(offset + Int64(BinaryLayout.blockHeaderSize)) to \(offset + Int64(total) - 1) are damaged"
            )
        }
        blockReplication = replication
        eventsInBlock = count
        inBlock = true
        return true
    }

    private func readTrailer(at offset: Int64) throws(LogError) {
        let label = "trailer at byte offset \(offset)"
        let got = try input.ensure(BinaryLayout.trailerSize)
        guard got >= BinaryLayout.trailerSize else {
            throw LogError.truncated(
                "\(path): \(label): the file ends inside the end-of-file trailer (\(got) of \(BinaryLayout.trailerSize) bytes)"
            )
        }
        let t = input.available
        let stored = BinaryLayout.load(t, 28, as: UInt32.self)
        let computed = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: t[0..<28]))
        guard stored == computed else {
            throw LogError.corrupt(
                "\(path): \(label): checksum mismatch (CRC-32C stored \(hex(stored)), computed \(hex(computed)))")
        }
        let replications = Int(BinaryLayout.load(t, 4, as: UInt32.self))
        let events = BinaryLayout.load(t, 8, as: UInt64.self)
        let blocks = BinaryLayout.load(t, 16, as: UInt64.self)
        guard BinaryLayout.load(t, 24, as: UInt32.self) == 0 else {
            throw LogError.corrupt("\(path): \(label): reserved bytes are not zero")
        }
        guard replications == header.replications else {
            throw LogError.corrupt(
                "\(path): \(label): the trailer says \(replications) replications, the header \(header.replications)")
        }
        guard events == eventsDecoded, blocks == UInt64(block) else {
            throw LogError.corrupt(
                "\(path): \(label): the trailer says \(events) events in \(blocks) blocks, but the log holds \(eventsDecoded) events in \(block) blocks (blocks are missing or repeated)"
            )
        }
        input.consume(BinaryLayout.trailerSize)
        let extra = try input.ensure(1)
        guard extra == 0 else {
            throw LogError.corrupt(
                "\(path): byte offset \(input.offset): unexpected bytes after the end-of-file trailer")
        }
        trailerFound = true
    }

    func finish() throws(LogError) {
        guard trailerFound else {
            throw LogError.truncated(
                "\(path): the log ends at byte offset \(input.offset), after block \(block), without its end-of-file trailer"
            )
        }
    }

    /// What lies beyond a damaged part (for salvage): the totals of an intact trailer at the
    /// end of the file, else the blocks with an intact header found by scanning from `offset`.
    static func survey(path: String, from offset: Int64) -> (
        trailer: (events: UInt64, blocks: UInt64)?, events: UInt64, blocks: Int
    ) {
        guard let input = try? EventLogInput(path: path) else { return (nil, 0, 0) }
        let fd = input.fd
        if input.size >= Int64(BinaryLayout.trailerSize) {
            var t = [UInt8](repeating: 0, count: BinaryLayout.trailerSize)
            let n = t.withUnsafeMutableBytes {
                pread(fd, $0.baseAddress, BinaryLayout.trailerSize, off_t(input.size) - off_t(BinaryLayout.trailerSize))
            }
            if n == BinaryLayout.trailerSize {
                let found: (UInt64, UInt64)? = t.withUnsafeBytes { p in
                    guard BinaryLayout.load(p, 0, as: UInt32.self) == BinaryLayout.trailerMagic,
                        BinaryLayout.load(p, 28, as: UInt32.self)
                            == CRC32C.checksum(UnsafeRawBufferPointer(rebasing: p[0..<28]))
                    else { return nil }
                    return (BinaryLayout.load(p, 8, as: UInt64.self), BinaryLayout.load(p, 16, as: UInt64.self))
                }
                if let found { return (found, 0, 0) }
            }
        }
        // No intact trailer: count the block headers that are intact from `offset` on.
        var events: UInt64 = 0
        var blocks = 0
        var position = offset
        var header = [UInt8](repeating: 0, count: BinaryLayout.blockHeaderSize)
        let chunk = 1 << 20
        var buffer = [UInt8](repeating: 0, count: chunk + BinaryLayout.blockHeaderSize)
        scan: while position + Int64(BinaryLayout.blockHeaderSize) <= input.size {
            // Is there an intact block header at `position`?
            let got = header.withUnsafeMutableBytes {
                pread(fd, $0.baseAddress, BinaryLayout.blockHeaderSize, off_t(position))
            }
            if got == BinaryLayout.blockHeaderSize {
                let intact: (count: Int, length: Int)? = header.withUnsafeBytes { h in
                    guard BinaryLayout.load(h, 0, as: UInt32.self) == BinaryLayout.blockMagic,
                        BinaryLayout.load(h, 20, as: UInt32.self)
                            == CRC32C.checksum(UnsafeRawBufferPointer(rebasing: h[0..<20]))
                    else { return nil }
                    return (
                        Int(BinaryLayout.load(h, 8, as: UInt32.self)), Int(BinaryLayout.load(h, 12, as: UInt32.self))
                    )
                }
                if let intact {
                    blocks += 1
                    events += UInt64(intact.count)
                    position += Int64(BinaryLayout.blockHeaderSize + intact.length)
                    continue scan
                }
            }
            // Search forward for the next block magic.
            while position < input.size {
                let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + 0, chunk + 3, off_t(position + 1)) }
                guard n >= 4 else { break scan }
                var found: Int?
                buffer.withUnsafeBytes { b in
                    for i in 0...(n - 4)
                    where b[i] == 0x48 && BinaryLayout.load(b, i, as: UInt32.self) == BinaryLayout.blockMagic {
                        found = i
                        break
                    }
                }
                if let found {
                    position += 1 + Int64(found)
                    continue scan
                }
                position += Int64(n - 3)
            }
            break
        }
        return (nil, events, blocks)
    }
}

func hex(_ v: UInt32) -> String { "0x" + String(v, radix: 16).leftPadded(to: 8, with: "0") }

extension EventKind {
    /// Kinds whose `service` must name a service.
    static let needingService: Set<EventKind> = [
        .enter, .leave, .capacity, .delay, .transferWait, .careHomeAdmission, .serviceEnd,
    ]
}
