import Testing
@testable import Desk

@Test func DeskBuilds() { #expect(Bool(true)) }
