import Foundation
import Testing

/// The brief's rule, held for every file we write by hand: no line longer than 120 characters. Fixtures are mail
/// as it arrives and are not ours to wrap.
@Suite struct SourceLineLengthTests {
    static let limit = 120
    static let folders = ["Sources", "Tests", "Scripts", "Config"]
    static let suffixes = [".swift", ".py", ".sh", ".c", ".h", ".json", ".md"]

    @Test func noHandWrittenLineIsLongerThan120Characters() throws {
        var long: [String] = []
        var files = ["Package.swift", "Procfile", ".ci/run"]
        for folder in Self.folders {
            let root = Sandbox.repo.appendingPathComponent(folder)
            guard let walk = FileManager.default.enumerator(atPath: root.path) else { continue }
            for case let file as String in walk where Self.isChecked(file, in: root) {
                files.append(folder + "/" + file)
            }
        }
        for file in files {
            guard let text = try? String(contentsOf: Sandbox.repo.appendingPathComponent(file), encoding: .utf8) else {
                continue
            }
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            where line.count > Self.limit {
                long.append("\(file):\(number + 1): \(line.count) characters")
            }
        }
        #expect(files.count > 100, "the walk found the sources")
        #expect(long.isEmpty, "lines longer than \(Self.limit) characters:\n\(long.joined(separator: "\n"))")
    }

    /// Scripts without a suffix (Scripts/test, Scripts/mailstack) are checked too; generated and data files are not.
    static func isChecked(_ file: String, in root: URL) -> Bool {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.appendingPathComponent(file).path, isDirectory: &isFolder),
              !isFolder.boolValue, !file.split(separator: "/").contains(where: { $0.hasPrefix(".") }) else {
            return false
        }
        let name = file.split(separator: "/").last.map(String.init) ?? file
        return suffixes.contains { name.hasSuffix($0) } || !name.contains(".")
    }
}
