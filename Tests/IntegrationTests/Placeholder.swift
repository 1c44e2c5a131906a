import Testing
@testable import Worker

@Test func integrationTargetBuilds() { #expect(Bool(true)) }
