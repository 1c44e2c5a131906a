import Testing
@testable import Worker

@Test func WorkerBuilds() { #expect(Bool(true)) }
