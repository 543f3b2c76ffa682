/// A zip archive of stored (uncompressed) entries, built in memory: the container of an
/// Office Open XML workbook (`.xlsx`).
///
/// Follows PKWARE's APPNOTE 6.3 for what it writes: for each entry a local file header and the
/// bytes, then the central directory and its end record; method 0 (stored), no data
/// descriptors, no ZIP64 (entries and the archive stay under 4 GiB: `add` refuses more). Every
/// entry carries the same fixed time stamp (1980-01-01 00:00, the format's first day), so the
/// same content gives the same bytes.
public struct ZipArchive: Sendable {
    /// Why an archive cannot take an entry.
    public enum Failure: Error, Equatable {
        /// The archive would pass the format's 4 GiB or 65,535-entry limits (no ZIP64 here).
        case tooLarge
        /// A name that is empty, longer than 65,535 bytes, absolute, or climbs out with `..`.
        case badName(String)
    }

    private struct Entry {
        var name: [UInt8]
        var crc: UInt32
        var size: UInt32
        var offset: UInt32
    }

    private var entries: [Entry] = []
    /// The local headers and data written so far.
    private(set) var body: [UInt8] = []

    public init() {}

    /// Adds a file named `name` (a relative path with `/` between folders) holding `bytes`.
    public mutating func add(_ name: String, _ bytes: [UInt8]) throws(Failure) {
        let nameBytes = Array(name.utf8)
        guard !nameBytes.isEmpty, nameBytes.count <= 0xFFFF, !name.hasPrefix("/"),
            !name.split(separator: "/").contains("..")
        else { throw .badName(name) }
        let end = body.count + 30 + nameBytes.count + bytes.count
        guard entries.count < 0xFFFF, end + 46 * (entries.count + 1) + 22 < Int(UInt32.max) else { throw .tooLarge }
        let entry = Entry(
            name: nameBytes, crc: CRC32.checksum(bytes), size: UInt32(bytes.count), offset: UInt32(body.count))
        body.reserveCapacity(end)
        Self.append32(0x0403_4B50, to: &body)  // local file header signature
        Self.append16(20, to: &body)  // version needed: 2.0
        Self.append16(0x0800, to: &body)  // flags: names are UTF-8
        Self.append16(0, to: &body)  // method: stored
        Self.append16(0, to: &body)  // time 00:00
        Self.append16(Self.dosDate, to: &body)
        Self.append32(entry.crc, to: &body)
        Self.append32(entry.size, to: &body)  // compressed size
        Self.append32(entry.size, to: &body)  // uncompressed size
        Self.append16(UInt16(nameBytes.count), to: &body)
        Self.append16(0, to: &body)  // extra field length
        body += nameBytes
        body += bytes
        entries.append(entry)
    }

    /// Adds a text file, as UTF-8.
    public mutating func add(_ name: String, text: String) throws(Failure) { try add(name, Array(text.utf8)) }

    /// The whole archive: the entries, the central directory and its end record.
    public var bytes: [UInt8] {
        var out = body
        let directoryStart = UInt32(out.count)
        for e in entries {
            Self.append32(0x0201_4B50, to: &out)  // central directory header signature
            Self.append16(20, to: &out)  // made by: 2.0, MS-DOS attributes
            Self.append16(20, to: &out)  // version needed
            Self.append16(0x0800, to: &out)  // flags: UTF-8 names
            Self.append16(0, to: &out)  // stored
            Self.append16(0, to: &out)
            Self.append16(Self.dosDate, to: &out)
            Self.append32(e.crc, to: &out)
            Self.append32(e.size, to: &out)
            Self.append32(e.size, to: &out)
            Self.append16(UInt16(e.name.count), to: &out)
            Self.append16(0, to: &out)  // extra
            Self.append16(0, to: &out)  // comment
            Self.append16(0, to: &out)  // disk number
            Self.append16(0, to: &out)  // internal attributes
            Self.append32(0, to: &out)  // external attributes
            Self.append32(e.offset, to: &out)
            out += e.name
        }
        let directorySize = UInt32(out.count) - directoryStart
        Self.append32(0x0605_4B50, to: &out)  // end of central directory signature
        Self.append16(0, to: &out)  // this disk
        Self.append16(0, to: &out)  // disk with the directory
        Self.append16(UInt16(entries.count), to: &out)
        Self.append16(UInt16(entries.count), to: &out)
        Self.append32(directorySize, to: &out)
        Self.append32(directoryStart, to: &out)
        Self.append16(0, to: &out)  // comment length
        return out
    }

    /// 1980-01-01 in MS-DOS date form: (year - 1980) << 9 | month << 5 | day.
    static let dosDate: UInt16 = 0 << 9 | 1 << 5 | 1

    static func append16(_ v: UInt16, to out: inout [UInt8]) {
        out.append(UInt8(v & 0xFF))
        out.append(UInt8(v >> 8))
    }

    static func append32(_ v: UInt32, to out: inout [UInt8]) {
        for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8((v >> UInt32(shift)) & 0xFF)) }
    }
}

/// CRC-32 as zip, gzip and PNG use it (ISO 3309 / ITU-T V.42): polynomial 0x04C11DB7, reflected
/// (0xEDB88320), initial value and final XOR 0xFFFFFFFF. Check value: CRC-32("123456789") =
/// 0xCBF43926. One table, a byte at a time: workbooks are small.
public enum CRC32 {
    static let table: [UInt32] = (0..<256).map { i -> UInt32 in
        var c = UInt32(i)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// The CRC of `bytes`.
    public static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        table.withUnsafeBufferPointer { t in
            for b in bytes { crc = t[Int((crc ^ UInt32(b)) & 0xFF)] ^ (crc >> 8) }
        }
        return ~crc
    }
}
