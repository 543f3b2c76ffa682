import Testing

@testable import HomewardKit

/// `Action` keeps one word for what its kind needs besides the subject; each meaning has its
/// own name, and the calendar entry does not grow for it.
@Suite struct ActionTests {
    @Test func eachMeaningReadsBackUnderItsOwnName() {
        let move = Action(kind: .acuteEnd, flag: true, patient: 7, token: 42)
        #expect(move.subject == 7 && move.flag && move.patientToken == 42)
        let capacity = Action(capacityOf: 3, becomes: 190)
        #expect(capacity.kind == .capacityChange && capacity.subject == 3 && capacity.newCapacity == 190)
        let followUp = Action(followUpOf: 9, dischargeCohort: 2)
        #expect(followUp.kind == .followUp && followUp.subject == 9 && followUp.dischargeCohort == 2)
        let arrival = Action(kind: .arrival, subject: 1)
        #expect(arrival.kind == .arrival && arrival.subject == 1 && !arrival.flag)
    }

    /// Kind, flag, subject and one word: 12 bytes, as when the word was a bare `token`.
    @Test func layoutIsTwelveBytes() {
        #expect(MemoryLayout<Action>.size == 12)
        #expect(MemoryLayout<Action>.stride == 12)
    }

    @Test func patientTokenKinds() {
        let kinds: [ActionKind] = [
            .arrival, .referral, .capacityChange, .crisisResponseEnd, .edTimeout, .acuteEnd, .assessmentEnd,
            .equipmentEnd, .depart, .serviceEnd, .residentDeath, .readmission, .followUp,
        ]
        #expect(
            kinds.filter(\.carriesPatientToken) == [
                .crisisResponseEnd, .edTimeout, .acuteEnd, .assessmentEnd, .equipmentEnd, .depart, .serviceEnd,
                .residentDeath,
            ])
    }
}
