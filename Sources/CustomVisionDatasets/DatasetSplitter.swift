import Foundation

/// Splits a dataset into train and test sets: deterministic for a seed, stratified by tag.
public enum DatasetSplitter {
    /// Splits `dataset`.
    ///
    /// Entries that are the same image (by default: the same file; see `sameImage`) stay together, so no image is
    /// both trained on and tested on. Such units are grouped by their rarest tag (so every tag is represented on
    /// both sides when it has at least two units), shuffled within each group by a SplitMix64 generator seeded with
    /// `seed`, and the first `round(count × testFraction)` units of each group go to the test set. Unlabeled images
    /// form their own group. Both outputs keep the dataset's image order and tag list.
    /// - Parameters:
    ///   - dataset: the dataset.
    ///   - testFraction: the share of each group in the test set, 0…1.
    ///   - seed: the generator seed; the same seed gives the same split on any machine.
    ///   - sameImage: a key equal for entries that are the same image (e.g. a digest of the file's bytes, so that
    ///     copies under two names stay together); nil keys by the standardized file path.
    /// - Returns: the train and test datasets.
    public static func split(
        _ dataset: Dataset, testFraction: Double, seed: UInt64 = 0,
        sameImage: ((DatasetImage) -> String)? = nil
    ) -> (train: Dataset, test: Dataset) {
        let fraction = min(max(testFraction.isFinite ? testFraction : 0, 0), 1)
        let counts = dataset.imageCountsByTag
        // Units of entries that are one image, in order of first appearance.
        var unitOfKey: [String: Int] = [:]
        var units: [[Int]] = []
        for (index, image) in dataset.images.enumerated() {
            let key = sameImage?(image) ?? image.path.standardizedPath
            if let unit = unitOfKey[key] {
                units[unit].append(index)
            } else {
                unitOfKey[key] = units.count
                units.append([index])
            }
        }
        var groups: [String: [Int]] = [:]
        for (unit, members) in units.enumerated() {
            let tags = Set(members.flatMap { dataset.images[$0].allTags })
            let key = tags.min { (counts[$0] ?? 0, $0) < (counts[$1] ?? 0, $1) } ?? ""
            groups[key, default: []].append(unit)
        }
        var generator = SplitMix64(seed: seed)
        var testIndices = Set<Int>()
        for key in groups.keys.sorted() {
            var members = groups[key]!
            for i in stride(from: members.count - 1, to: 0, by: -1) {
                let j = Int(generator.next() % UInt64(i + 1))
                members.swapAt(i, j)
            }
            var take = Int((Double(members.count) * fraction).rounded())
            if fraction > 0, fraction < 1, members.count >= 2 { take = min(max(take, 1), members.count - 1) }
            for unit in members.prefix(take) { testIndices.formUnion(units[unit]) }
        }
        var train = dataset
        var test = dataset
        train.images = dataset.images.indices.filter { !testIndices.contains($0) }.map { dataset.images[$0] }
        test.images = dataset.images.indices.filter { testIndices.contains($0) }.map { dataset.images[$0] }
        return (train, test)
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): a tiny, portable, seedable generator.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
