import Foundation
import Testing
@testable import MIME

@Suite struct SHA256Tests {
    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    /// FIPS 180-4 / NIST example messages and their digests.
    static let vectors: [([UInt8], String)] = [
        ([], "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        (Array("abc".utf8), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8),
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        (Array(("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopq"
                + "klmnopqrlmnopqrsmnopqrstnopqrstu").utf8),
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
        ([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000),
         "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"),
    ]

    @Test(arguments: SHA256.Path.allCases) func fipsVectorsOnEveryPath(_ path: SHA256.Path) {
        for (message, expected) in Self.vectors {
            #expect(Self.hex(SHA256.digest(message, path: path)) == expected, "\(path), \(message.count) bytes")
        }
    }

    @Test func defaultDigestAndHexMatchTheVectors() {
        for (message, expected) in Self.vectors { #expect(SHA256.hex(message) == expected) }
    }

    /// Every accelerated path this CPU runs agrees with the portable one on random inputs of random lengths, and
    /// on every length around the one- and two-block padding edges. The bytes come from the portable path itself,
    /// hashing a counter: deterministic, so a failure repeats.
    @Test func acceleratedPathsAgreeWithThePortableOne() {
        var counter: UInt64 = 0
        var pool: [UInt8] = []
        func random(_ count: Int) -> [UInt8] {
            while pool.count < count {
                counter += 1
                pool += SHA256.digest(withUnsafeBytes(of: counter) { Array($0) }, path: .portable)
            }
            defer { pool.removeFirst(count) }
            return Array(pool.prefix(count))
        }
        var lengths = Array(0...200)
        for _ in 0..<300 { lengths.append(Int(random(2).reduce(0) { $0 << 8 | UInt32($1) }) % 10_001) }
        let paths = SHA256.Path.allCases.filter { $0 != .portable && $0.isAvailable }
        for length in lengths {
            let message = random(length)
            let portable = SHA256.digest(message, path: .portable)
            for path in paths { #expect(SHA256.digest(message, path: path) == portable, "\(path), \(length) bytes") }
            #expect(SHA256.digest(message) == portable)
        }
    }

    /// The run-time choice sees what the kernel reports (Linux x86-64: the `sha_ni` flag), and takes it.
    @Test func runTimeChoiceFollowsTheCPU() throws {
        #if os(Linux) && arch(x86_64)
        let cpuinfo = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let hasSHANI = cpuinfo.split(separator: "\n").contains {
            $0.hasPrefix("flags") && $0.split(separator: " ").contains("sha_ni")
        }
        #expect(SHA256.Path.shaNI.isAvailable == hasSHANI)
        #expect(SHA256.Path.best == (hasSHANI ? .shaNI : .portable))
        #expect(!SHA256.Path.armv8.isAvailable)
        #endif
        #expect(SHA256.Path.portable.isAvailable)
    }
}
