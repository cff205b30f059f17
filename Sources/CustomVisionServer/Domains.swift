import CustomVisionCore
import Foundation

/// The service's domains, with their real ids (from Fixtures/spec/domains.json: the Custom Vision documentation
/// and the GetDomains example). Compact domains are the exportable ones.
enum Domains {
    static let all: [Domain] = [
        Domain(
            id: UUID(uuidString: "ee85a74c-405e-4adc-bb47-ffa8ca0c9f31")!,
            name: "General", type: .classification, exportable: false, enabled: true
        ),
        Domain(
            id: UUID(uuidString: "a8e3c40f-fb4a-466f-832a-5e457ae4a344")!,
            name: "General [A1]", type: .classification, exportable: false, enabled: true
        ),
        Domain(
            id: UUID(uuidString: "2e37d7fb-3a54-486a-b4d6-cfc369af0018")!,
            name: "General [A2]", type: .classification, exportable: false, enabled: true
        ),
        Domain(
            id: UUID(uuidString: "c151d5b5-dd07-472a-acc8-15d29dea8518")!,
            name: "Food", type: .classification, exportable: false, enabled: true
        ),
        Domain(
            id: UUID(uuidString: "ca455789-012d-4b50-9fec-5bb63841c793")!,
            name: "Landmarks", type: .classification, exportable: false, enabled: true
        ),
        Domain(
            id: UUID(uuidString: "b30a91ae-e3c1-4f73-a81e-c270bff27c39")!,
            name: "Retail", type: .classification, exportable: false, enabled: true
        ),
        Domain(
            id: UUID(uuidString: "45badf75-3591-4f26-a705-45678d3e9f5f")!,
            name: "Adult", type: .classification, exportable: false, enabled: true
        ),
        Domain(
            id: UUID(uuidString: "0732100f-1a38-4e49-a514-c9b44c697ab5")!,
            name: "General (compact)", type: .classification, exportable: true, enabled: true
        ),
        Domain(
            id: UUID(uuidString: "a1db07ca-a19a-4830-bae8-e004a42dc863")!,
            name: "General (compact) [S1]", type: .classification, exportable: true, enabled: true
        ),
        Domain(
            id: UUID(uuidString: "b5cfd229-2ac7-4b2b-8d0a-2b0661344894")!,
            name: "Landmarks (compact)", type: .classification, exportable: true, enabled: true
        ),
        Domain(
            id: UUID(uuidString: "6b4faeda-8396-481b-9f8b-177b9fa3097f")!,
            name: "Retail (compact)", type: .classification, exportable: true, enabled: true
        ),
        Domain(
            id: UUID(uuidString: "da2e3a8a-40a5-4171-82f4-58522f70fbc1")!,
            name: "General", type: .objectDetection, exportable: false, enabled: true
        ),
        Domain(
            id: UUID(uuidString: "9c616dff-2e7d-ea11-af59-1866da359ce6")!,
            name: "General [A1]", type: .objectDetection, exportable: false, enabled: true
        ),
        Domain(
            id: UUID(uuidString: "1d8ffafe-ec40-4fb2-8f90-72b3b6cecea4")!,
            name: "Logo", type: .objectDetection, exportable: false, enabled: true
        ),
        Domain(
            id: UUID(uuidString: "3780a898-81c3-4516-81ae-3a139614e1f3")!,
            name: "Products on shelves", type: .objectDetection, exportable: false, enabled: true
        ),
        Domain(
            id: UUID(uuidString: "a27d5ca5-bb19-49d8-a70a-fec086c47f5b")!,
            name: "General (compact)", type: .objectDetection, exportable: true, enabled: true
        ),
        Domain(
            id: UUID(uuidString: "7ec2ac80-887b-48a6-8df9-8b1357765430")!,
            name: "General (compact) [S1]", type: .objectDetection, exportable: true, enabled: true
        ),
    ]

    /// The General classification domain, CreateProject's default.
    static let defaultID = UUID(uuidString: "ee85a74c-405e-4adc-bb47-ffa8ca0c9f31")!

    static func domain(_ id: UUID) -> Domain? { all.first { $0.id == id } }
}
