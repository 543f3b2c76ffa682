import Testing

@testable import HomewardKit

/// The test vectors of FIPS 180-4 (NIST's examples) and the block-boundary lengths.
struct SHA256Tests {
    @Test func nistVectors() {
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(
            SHA256.hex(String(repeating: "a", count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Lengths around the 55/56/64-byte padding boundaries, fed whole and in pieces.
    @Test func paddingBoundariesAndIncrementalFeeding() {
        // Known digests of "a" repeated 55, 56 and 64 times (computed with sha256sum).
        let known: [Int: String] = [
            55: "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318",
            56: "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a",
            64: "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb",
        ]
        for (n, expected) in known {
            let bytes = [UInt8](repeating: UInt8(ascii: "a"), count: n)
            #expect(SHA256.hex(bytes) == expected, "length \(n)")
            var hasher = SHA256()
            for chunk in stride(from: 0, to: n, by: 7) { hasher.update(bytes[chunk..<min(chunk + 7, n)]) }
            #expect(SHA256.hexString(hasher.finalize()) == expected, "length \(n) fed in pieces")
        }
    }
}
