import CVTestSupport
import CustomVisionDatasets
import Foundation
import Testing

struct SplitterTests {
    @Test func theSameSeedGivesTheSameSplit() throws {
        let (dataset, _) = try DatasetReader.read(at: DatasetFixtures.neuMiniTrain)
        let a = DatasetSplitter.split(dataset, testFraction: 0.2, seed: 42)
        let b = DatasetSplitter.split(dataset, testFraction: 0.2, seed: 42)
        let c = DatasetSplitter.split(dataset, testFraction: 0.2, seed: 7)
        #expect(a.test.images.map(\.path) == b.test.images.map(\.path))
        #expect(a.test.images.map(\.path) != c.test.images.map(\.path))
    }

    @Test func theSplitIsAPartitionStratifiedByTag() throws {
        let (dataset, _) = try DatasetReader.read(at: DatasetFixtures.neuMiniTrain)
        let (train, test) = DatasetSplitter.split(dataset, testFraction: 0.2, seed: 1)
        let trainPaths = Set(train.images.map(\.path))
        let testPaths = Set(test.images.map(\.path))
        #expect(trainPaths.isDisjoint(with: testPaths))
        #expect(trainPaths.union(testPaths) == Set(dataset.images.map(\.path)))
        #expect(test.images.count == 15)
        // Grouped by file-name class (each image's own class), each class gives 5 of its 25 images.
        for prefix in ["inclusion", "patches", "scratches"] {
            #expect(test.images.count { $0.path.lastPathComponent.hasPrefix(prefix) } == 5, "\(prefix)")
        }
        #expect(Set(test.allTags) == Set(dataset.allTags) && Set(train.allTags) == Set(dataset.allTags))
        #expect(train.tags == dataset.tags)
    }

    @Test func keepsSmallGroupsOnBothSidesAndHandlesEdgeFractions() throws {
        let images = (0..<7).map {
            DatasetImage(
                path: URL(fileURLWithPath: "/d/\($0).png"), width: 1, height: 1,
                tags: [$0 < 2 ? "rare" : "common"], source: .init(file: "\($0)"))
        }
        let dataset = Dataset(root: URL(fileURLWithPath: "/d"), images: images)
        let (train, test) = DatasetSplitter.split(dataset, testFraction: 0.1, seed: 3)
        #expect(test.images.count { $0.tags == ["rare"] } == 1 && train.images.count { $0.tags == ["rare"] } == 1)
        #expect(DatasetSplitter.split(dataset, testFraction: 0, seed: 3).test.images.isEmpty)
        #expect(DatasetSplitter.split(dataset, testFraction: 1, seed: 3).train.images.isEmpty)
    }
}

/// Entries that are one image never land on both sides of a split.
struct SplitterSameImageTests {
    /// Ten images of one tag; entries 3 and 7 name the same file, and (by `sameImage`) 4 and 8 are byte copies.
    static func dataset() -> Dataset {
        let images = (0..<10).map { i in
            DatasetImage(path: URL(fileURLWithPath: "/d/\(i == 7 ? 3 : i).png"), width: 1, height: 1, tags: ["t"],
                         source: .init(file: "\(i)"))
        }
        return Dataset(root: URL(fileURLWithPath: "/d"), images: images, tags: ["t"])
    }

    @Test(arguments: 0..<40)
    func entriesOfOneFileOrOneContentStayTogether(seed: UInt64) {
        let content = { (image: DatasetImage) -> String in
            let name = image.path.lastPathComponent
            return name == "8.png" ? "4.png" : name
        }
        let (train, test) = DatasetSplitter.split(Self.dataset(), testFraction: 0.5, seed: seed, sameImage: content)
        #expect(train.images.count + test.images.count == 10)
        let trainNames = Set(train.images.map { content($0) })
        let testNames = Set(test.images.map { content($0) })
        #expect(trainNames.isDisjoint(with: testNames), "seed \(seed): \(trainNames) / \(testNames)")
        // By path alone, entries 3 and 7 still stay together.
        let (byPath, rest) = DatasetSplitter.split(Self.dataset(), testFraction: 0.5, seed: seed)
        #expect(Set(byPath.images.map(\.path)).isDisjoint(with: Set(rest.images.map(\.path))))
    }
}
