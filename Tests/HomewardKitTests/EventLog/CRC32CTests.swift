import Foundation
import HomewardKit
import Testing

/// CRC-32C (Castagnoli) against published check values, and slicing-by-8 against the bitwise
/// definition.
@Suite struct CRC32CTests {
    @Test func theStandardCheckValue() {
        // The "check" value of the CRC catalogue (CRC-32/ISCSI): CRC of the ASCII "123456789".
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.bitwise(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8]()) == 0)
    }

    @Test func theTestVectorsOfRFC3720() {
        // RFC 3720 (iSCSI), appendix B.4: CRC-32C of 32-byte patterns and of a SCSI Read PDU.
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(CRC32C.checksum((0..<32).reversed().map { UInt8($0) }) == 0x113F_DB5C)
        let readPDU: [UInt8] = [
            0x01, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18,
            0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        ]
        #expect(CRC32C.checksum(readPDU) == 0xD996_3A56)
    }

    @Test func slicingByEightEqualsTheDefinitionAtEveryLengthAndAlignment() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let data: [UInt8] = (0..<600).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        data.withUnsafeBytes { all in
            for start in 0..<8 {
                for length in [0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 63, 64, 65, 255, 256, 511, 592] {
                    let piece = UnsafeRawBufferPointer(rebasing: all[start..<(start + length)])
                    #expect(CRC32C.checksum(piece) == CRC32C.bitwise(Array(piece)), "start \(start), length \(length)")
                }
            }
        }
    }

    @Test func updatingInPiecesEqualsOneGo() {
        let data = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let whole = CRC32C.checksum(data)
        data.withUnsafeBytes { p in
            for cut in [0, 1, 5, 8, 13, 500, 999, 1000] {
                var c = CRC32C()
                c.update(UnsafeRawBufferPointer(rebasing: p[0..<cut]))
                c.update(UnsafeRawBufferPointer(rebasing: p[cut...]))
                #expect(c.value == whole)
            }
        }
    }

    @Test func everySingleByteFlipChangesTheCRC() {
        let data = (0..<256).map { UInt8($0) }
        let original = CRC32C.checksum(data)
        for i in data.indices {
            for mask: UInt8 in [0x01, 0x80, 0xFF] {
                var damaged = data
                damaged[i] ^= mask
                #expect(CRC32C.checksum(damaged) != original)
            }
        }
    }
}
