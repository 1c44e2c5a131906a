/// JSON text written byte by byte, in the form Foundation's JSONSerialization gives (compact, `/` escaped as `\/`,
/// control characters as `\b \t \n \f \r` or `\u00xx`, everything else as UTF-8). `postdesk parse` prints with it:
/// JSONSerialization's dynamic casts cost 17 M instructions at start-up and 700 M on a 25 MB mail.
/// Keys are written in the order given; the caller gives them sorted.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    /// No comma before the next value: at the start of an object or array, and right after a key.
    private var first = true

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    mutating func object(_ body: (inout JSONWriter) -> Void) {
        separate()
        bytes.append(UInt8(ascii: "{"))
        first = true
        body(&self)
        bytes.append(UInt8(ascii: "}"))
        first = false
    }

    mutating func array<T>(_ items: [T], _ each: (inout JSONWriter, T) -> Void) {
        separate()
        bytes.append(UInt8(ascii: "["))
        first = true
        for item in items { each(&self, item) }
        bytes.append(UInt8(ascii: "]"))
        first = false
    }

    mutating func key(_ name: String) {
        string(name)
        bytes.append(UInt8(ascii: ":"))
        first = true
    }

    mutating func string(_ text: String?) {
        guard var text else { return literal("null") }
        separate()
        bytes.append(UInt8(ascii: "\""))
        text.withUTF8 { escape($0) }
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func bool(_ value: Bool) { literal(value ? "true" : "false") }

    mutating func int(_ value: Int) { literal(String(value)) }

    private mutating func literal(_ text: String) {
        separate()
        bytes.append(contentsOf: text.utf8)
    }

    private mutating func separate() {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
    }

    /// Copies runs that need no escape in one go, so a long body costs little more than a copy.
    private mutating func escape(_ text: UnsafeBufferPointer<UInt8>) {
        var run = 0
        for i in 0..<text.count {
            let c = text[i]
            guard c < 0x20 || c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") || c == UInt8(ascii: "/") else {
                continue
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[run..<i]))
            run = i + 1
            bytes.append(UInt8(ascii: "\\"))
            switch c {
            case 0x08: bytes.append(UInt8(ascii: "b"))
            case 0x09: bytes.append(UInt8(ascii: "t"))
            case 0x0A: bytes.append(UInt8(ascii: "n"))
            case 0x0C: bytes.append(UInt8(ascii: "f"))
            case 0x0D: bytes.append(UInt8(ascii: "r"))
            case 0x20...: bytes.append(c)
            default:
                bytes.append(UInt8(ascii: "u"))
                for b in [0x30, 0x30, Self.hex[Int(c >> 4)], Self.hex[Int(c & 15)]] { bytes.append(b) }
            }
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[run...]))
    }

    private static let hex = Array("0123456789abcdef".utf8)
}
