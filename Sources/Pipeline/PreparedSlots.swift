import Foundation

/// One slot per mail, written by concurrent workers at distinct indices, read after they all finished.
final class PreparedSlots: @unchecked Sendable {
    private var slots: [Pipeline.Prepared?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ i: Int, _ value: Pipeline.Prepared) {
        lock.lock()
        slots[i] = value
        lock.unlock()
    }

    var values: [Pipeline.Prepared] { slots.map { $0! } }
}
