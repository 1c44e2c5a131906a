import Foundation

/// Splits an mbox file. A line starting "From " separates messages only at the start of the file or after an
/// empty line (a body line "From here on…" in a paragraph stays in its mail); a message whose headers carry
/// Content-Length (mboxcl2) takes exactly that many body bytes when a separator or the end follows them, so
/// even an unescaped "From " line after an empty line stays inside it; otherwise mboxrd: ">From " lines are
/// unescaped one level.
enum Mbox {
    static let from = Array("From ".utf8)

    static func split(_ data: [UInt8]) -> [[UInt8]] {
        var messages: [[UInt8]] = []
        var pos = 0
        while pos < data.count && !data[pos...].starts(with: from) { pos = lineEnd(data, pos) }   // before the first
        while pos < data.count {
            let start = lineEnd(data, pos)   // after the separator line
            let (bodyStart, length) = headers(data, from: start)
            if let length, bodyStart + length <= data.count, separatorOrEnd(data, at: bodyStart + length) {
                messages.append(Array(data[start..<bodyStart + length]))
                pos = bodyStart + length
                while pos < data.count && isBlank(data, pos) { pos = lineEnd(data, pos) }
                continue
            }
            var message: [UInt8] = []
            var line = start
            var previousBlank = false
            while line < data.count {
                if previousBlank && data[line...].starts(with: from) { break }
                let end = lineEnd(data, line)
                var gt = line
                while gt < end && data[gt] == UInt8(ascii: ">") { gt += 1 }
                let escaped = gt > line && data[gt..<end].starts(with: from)
                message.append(contentsOf: data[(escaped ? line + 1 : line)..<end])
                previousBlank = isBlank(data, line)
                line = end
            }
            messages.append(message)
            pos = line
        }
        return messages
    }

    /// Index after the line that starts at `i` (after its LF, or the end).
    static func lineEnd(_ data: [UInt8], _ i: Int) -> Int {
        var j = i
        while j < data.count && data[j] != 10 { j += 1 }
        return min(j + 1, data.count)
    }

    static func isBlank(_ data: [UInt8], _ i: Int) -> Bool {
        i < data.count && (data[i] == 10 || (data[i] == 13 && i + 1 < data.count && data[i + 1] == 10))
    }

    /// Where the body starts and the Content-Length header's value, if any.
    static func headers(_ data: [UInt8], from start: Int) -> (Int, Int?) {
        var i = start
        var length: Int?
        let name = Array("content-length:".utf8)
        while i < data.count {
            if isBlank(data, i) { return (lineEnd(data, i), length) }
            let end = lineEnd(data, i)
            if end - i > name.count, zip(data[i..<i + name.count], name).allSatisfy({ ($0 | 0x20) == $1 || $0 == $1 }) {
                let value = String(decoding: data[(i + name.count)..<end], as: UTF8.self)
                length = Int(value.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            i = end
        }
        return (i, length)
    }

    /// The end of the data, or (after empty lines) the next separator.
    static func separatorOrEnd(_ data: [UInt8], at i: Int) -> Bool {
        var j = i
        while j < data.count && isBlank(data, j) { j = lineEnd(data, j) }
        return j == data.count || data[j...].starts(with: from)
    }
}
