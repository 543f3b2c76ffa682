import Foundation

/// Reads a binary log block by block through a fixed buffer: each block's header and payload
/// checksums, and (version 2) its place in the file, are verified before any of its events is
/// handed out.
final class BinaryEventSource: EventRecordSource {
    let input: EventLogInput
    let path: String
    let header: EventLogHeader
    let headerBytes: Int64
    let cohortCount: Int
    let serviceCount: Int
    /// The container version of the file (1 or 2), and the size of its block headers.
    let version: UInt16
    let blockHeaderSize: Int
    /// The file id its blocks are bound to (version 2).
    let identity: BinaryFileIdentity
    /// The replication and number (within it) of the last block read.
    private var lastBlockReplication = -1
    private var lastBlockNumber = -1

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
        guard BinaryLayout.readableVersions.contains(version) else {
            throw LogError.corrupt(
                "\(input.path): byte offset 8: unsupported binary log version \(version) (this program reads versions \(BinaryLayout.readableVersions.lowerBound) to \(BinaryLayout.readableVersions.upperBound))"
            )
        }
        self.version = version
        blockHeaderSize = BinaryLayout.blockHeaderSize(version: version)
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
        identity = BinaryFileIdentity(headerBody: UnsafeRawBufferPointer(rebasing: bytes[0..<(fixed + length)]))
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
        blockOffset + Int64(blockHeaderSize + index * BinaryLayout.recordSize)
    }

    var recordStart: Int64 { blockOffset }
    var endLocation: String { "at byte offset \(input.offset)" }

    var blocksThroughRecord: Int { inBlock && index < eventsInBlock ? block - 1 : block }

    private func corrupt(_ m: String) -> LogError { LogError.corrupt("\(path): \(blockLabel): \(m)") }

    func next() throws(LogError) -> (replication: Int, event: Event)? {
        if inBlock && index == eventsInBlock {
            input.consume(blockHeaderSize + eventsInBlock * BinaryLayout.recordSize)
            inBlock = false
        }
        if !inBlock {
            guard try startBlock() else { return nil }
        }
        let p = UnsafeRawBufferPointer(rebasing: input.available[blockHeaderSize...])
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
        let headerSize = blockHeaderSize
        let headerGot = try input.ensure(headerSize)
        guard headerGot >= headerSize else {
            throw LogError.truncated(
                "\(path): \(blockLabel): the file ends inside the block header (\(headerGot) of \(headerSize) bytes)"
            )
        }
        var h = input.available
        let fields = try blockFields(h)
        let (replication, count, length, storedCRC) = (
            fields.replication, fields.count, fields.length, fields.payloadCRC
        )
        guard count >= 1, count <= BinaryLayout.maximumEventsPerBlock, length == count * BinaryLayout.recordSize else {
            throw corrupt("bad block header: \(count) events in \(length) payload bytes")
        }
        if let number = fields.number {
            // Version 2: the block's place, bound to it by the checksum.
            // Replications come in order, each in blocks numbered from 0.
            let follows = replication == lastBlockReplication && number == lastBlockNumber + 1
            let starts = replication == lastBlockReplication + 1 && number == 0
            guard follows || starts else {
                let next = "block 0 of replication \(lastBlockReplication + 1)"
                let expected =
                    lastBlockReplication < 0
                    ? next : "block \(lastBlockNumber + 1) of replication \(lastBlockReplication) or \(next)"
                throw corrupt(
                    "this is block \(number) of replication \(replication), expected \(expected) (a block is missing, repeated or out of order)"
                )
            }
            lastBlockReplication = replication
            lastBlockNumber = number
        }
        let total = headerSize + length
        let have = try input.ensure(total)
        guard have >= total else {
            throw LogError.truncated(
                "\(path): \(blockLabel) is cut short: the file ends after \(have - headerSize) of its \(length) payload bytes"
            )
        }
        h = input.available
        let crc = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: h[headerSize..<total]))
        guard crc == storedCRC else {
            throw corrupt(
                "payload checksum mismatch (CRC-32C stored \(hex(storedCRC)), computed \(hex(crc))): bytes \(offset + Int64(headerSize)) to \(offset + Int64(total) - 1) are damaged"
            )
        }
        blockReplication = replication
        eventsInBlock = count
        inBlock = true
        return true
    }

    /// The fields of the block header at the start of `h`, once its checksum is verified.
    private func blockFields(_ h: UnsafeRawBufferPointer) throws(LogError) -> (
        replication: Int, number: Int?, count: Int, length: Int, payloadCRC: UInt32
    ) {
        if version == 1 {
            let stored = BinaryLayout.load(h, 20, as: UInt32.self)
            let computed = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: h[0..<20]))
            guard stored == computed else {
                throw corrupt(
                    "block header checksum mismatch (CRC-32C stored \(hex(stored)), computed \(hex(computed)))")
            }
            return (
                Int(BinaryLayout.load(h, 4, as: UInt32.self)), nil, Int(BinaryLayout.load(h, 8, as: UInt32.self)),
                Int(BinaryLayout.load(h, 12, as: UInt32.self)), BinaryLayout.load(h, 16, as: UInt32.self)
            )
        }
        let stored = BinaryLayout.load(h, 28, as: UInt32.self)
        let computed = identity.checksum(UnsafeRawBufferPointer(rebasing: h[0..<28]))
        guard stored == computed else {
            var message = "block header checksum mismatch (CRC-32C stored \(hex(stored)), computed \(hex(computed)))"
            let tag = BinaryLayout.load(h, 20, as: UInt32.self)
            if tag != identity.tag {
                message +=
                    ": the block is damaged or comes from another log (its file tag is \(hex(tag)), this log's \(hex(identity.tag)))"
            }
            throw corrupt(message)
        }
        return (
            Int(BinaryLayout.load(h, 4, as: UInt32.self)), Int(BinaryLayout.load(h, 8, as: UInt32.self)),
            Int(BinaryLayout.load(h, 12, as: UInt32.self)), Int(BinaryLayout.load(h, 16, as: UInt32.self)),
            BinaryLayout.load(h, 24, as: UInt32.self)
        )
    }

    /// Whether `h` (at least a block header's bytes) is an intact block header of this file,
    /// and if so its event count and payload length.
    func intactBlockHeader(_ h: UnsafeRawBufferPointer) -> (count: Int, length: Int)? {
        guard BinaryLayout.load(h, 0, as: UInt32.self) == BinaryLayout.blockMagic,
            let fields = try? blockFields(h)
        else { return nil }
        return (fields.count, fields.length)
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
    func survey(from offset: Int64) -> (
        trailer: (events: UInt64, blocks: UInt64)?, events: UInt64, blocks: Int
    ) {
        guard let input = try? input.reopened(at: 0) else { return (nil, 0, 0) }
        if input.size >= Int64(BinaryLayout.trailerSize) {
            var t = [UInt8](repeating: 0, count: BinaryLayout.trailerSize)
            let n = t.withUnsafeMutableBytes {
                input.copy(
                    into: $0.baseAddress!, count: BinaryLayout.trailerSize,
                    at: input.size - Int64(BinaryLayout.trailerSize))
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
        let headerSize = blockHeaderSize
        var header = [UInt8](repeating: 0, count: headerSize)
        let chunk = 1 << 20
        var buffer = [UInt8](repeating: 0, count: chunk + headerSize)
        scan: while position + Int64(headerSize) <= input.size {
            // Is there an intact block header at `position`?
            let got = header.withUnsafeMutableBytes {
                input.copy(into: $0.baseAddress!, count: headerSize, at: position)
            }
            if got == headerSize {
                let intact = header.withUnsafeBytes { intactBlockHeader($0) }
                if let intact {
                    blocks += 1
                    events += UInt64(intact.count)
                    position += Int64(headerSize + intact.length)
                    continue scan
                }
            }
            // Search forward for the next block magic.
            while position < input.size {
                let n = buffer.withUnsafeMutableBytes {
                    input.copy(into: $0.baseAddress!, count: chunk + 3, at: position + 1)
                }
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
