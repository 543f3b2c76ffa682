import Foundation
import Testing

@testable import HomewardKit

@Suite struct EventLogOutputTests {
    /// Writes from several threads at once: no byte and no count is lost, and each write's
    /// bytes stay together (a call holds the output's lock throughout).
    @Test func concurrentWritesKeepEveryByteAndTheCount() throws {
        let folder = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let output = try EventLogOutput(creating: folder + "/out.bin")
        let writes = 400
        let size = 1_000
        Runner.parallelFor(count: writes, threads: 4) { i in
            output.write([UInt8](repeating: UInt8(i % 251), count: size))
        }
        #expect(output.bytesWritten == Int64(writes * size))
        try output.close()
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder + "/out.bin")))
        #expect(bytes.count == writes * size)
        let chunksIntact = stride(from: 0, to: bytes.count, by: size).allSatisfy { start in
            bytes[start..<start + size].allSatisfy { $0 == bytes[start] }
        }
        #expect(chunksIntact)
    }
}
