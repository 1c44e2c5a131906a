import Testing
import MIME
@testable import Desk

@Suite struct GreetingTests {
    func greeting(_ name: String?, _ language: String, _ formality: Formality? = nil,
                  _ salutation: Salutation? = nil) -> String {
        let to = Addressee(Address(name: name, email: "x@customer.test"), language: language, formality: formality,
                           salutation: salutation)
        return Phrases.table(to.language, to.formality).greeting(to.name, to.salutation)
    }

    @Test func byFirstNameWhereTheLanguageDoesThat() {
        #expect(greeting("Mette Holm", "da") == "Hej Mette,")
        #expect(greeting("Holm, Mette", "da") == "Hej Mette,")
        #expect(greeting("Oliver Smith", "en") == "Hello Oliver,")
        #expect(greeting("Dr. Sanne de Vries", "nl") == "Beste Sanne,")
        #expect(greeting("Mette Holm", "da", .formal) == "Kære Mette Holm,")
    }

    /// German greets by surname only with a known salutation; otherwise the neutral full name, never a guess.
    @Test func germanSalutationOnlyWhenKnown() {
        #expect(greeting("Oliver Wagner", "de", nil, .mr) == "Guten Tag Herr Wagner,")
        #expect(greeting("Wagner, Petra", "de", nil, .ms) == "Guten Tag Frau Wagner,")
        #expect(greeting("Oliver Wagner", "de") == "Guten Tag Oliver Wagner,")
        #expect(greeting("Wagner", "de", nil, .mr) == "Guten Tag,")
        #expect(greeting("Oliver Wagner", "de", .informal) == "Hallo Oliver,")
    }

    @Test func noNameGivesANeutralGreeting() {
        #expect(greeting(nil, "da") == "Hej,")
        #expect(greeting("it-support@customer.test", "de") == "Guten Tag,")
        #expect(greeting("Helpdesk 2", "nl") == "Goedendag,")
        #expect(greeting("", "en") == "Hello,")
    }

    /// The customer's settings reach the greeting and the pronouns; the usual form per language otherwise.
    @Test func formalityAndSalutationComeFromTheCustomer() {
        let customer = Customer(id: "b", name: "Bergmann", domains: ["bergmann.test"], administrators: [],
                                plan: "extended",
                                formality: .informal, salutations: ["Oliver@Bergmann.test": .mr])
        let to = Addressee(Address(name: "Oliver Wagner", email: "oliver@bergmann.test"), language: "de",
                           customer: customer)
        #expect(to.formality == .informal && to.salutation == .mr)
        #expect(Addressee(Address(email: "a@b.test"), language: "nl").formality == .formal)
        #expect(Addressee(Address(email: "a@b.test"), language: "da").formality == .informal)
        #expect(Addressee(Address(email: "a@b.test"), language: "fr").language == "en")
    }
}
