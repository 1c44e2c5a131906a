import Foundation
import Testing
@testable import MIME

/// Package root (…/Tests/MIMETests/ThisFile.swift → …).
let packageRoot = URL(
    fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func fixture(_ name: String) -> [UInt8] {
    let url = packageRoot.appendingPathComponent("Fixtures/mime").appendingPathComponent(name)
    return [UInt8]((try? Data(contentsOf: url)) ?? Data())
}

func parseFixture(_ name: String) -> ParsedMessage {
    let bytes = fixture(name)
    #expect(!bytes.isEmpty, "fixture \(name) missing")
    return MessageParser.parse(bytes)
}

func collapsed(_ s: String) -> String {
    s.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }).joined(separator: " ")
}
