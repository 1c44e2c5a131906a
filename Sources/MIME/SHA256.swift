import CSHA256

/// SHA-256 (FIPS 180-4), for attachment content addresses and content hashes. The block work is in C (CSHA256):
/// SHA-NI or ARMv8 crypto instructions where the CPU has them, chosen at run time, else a portable path.
public enum SHA256 {
    /// The block functions the digest can run on.
    public enum Path: CaseIterable, Sendable {
        case portable, shaNI, armv8

        var c: csha256_path {
            switch self {
            case .portable: return CSHA256_PORTABLE
            case .shaNI: return CSHA256_SHANI
            case .armv8: return CSHA256_ARMV8
            }
        }

        /// Whether this CPU runs it.
        public var isAvailable: Bool { csha256_available(c) != 0 }

        /// The one `digest` uses.
        public static var best: Path { Path.allCases.first { $0.c == csha256_best() } ?? .portable }
    }

    /// The digest on `path`, or on the fastest path this CPU runs (nil); an unavailable path runs the portable one.
    public static func digest(_ message: [UInt8], path: Path? = nil) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: 32) { out, count in
            message.withUnsafeBufferPointer { buf in
                if let path {
                    csha256_digest_with(path.c, buf.baseAddress, buf.count, out.baseAddress)
                } else {
                    csha256_digest(buf.baseAddress, buf.count, out.baseAddress)
                }
            }
            count = 32
        }
    }

    public static func hex(_ message: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for byte in digest(message) {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
