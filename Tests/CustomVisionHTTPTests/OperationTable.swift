import CustomVisionHTTP
import Foundation

/// One call per operation of both specifications, with every optional parameter set, keyed by operationId.
/// The tests compare its keys with the specifications' operationIds, so an unimplemented operation fails them.
enum OperationTable {
    typealias Call = @Sendable (TrainingClient, PredictionClient) async throws -> Void

    static let project = UUID()
    static let iteration = UUID()
    static let ids = [UUID(), UUID()]
    static let image = Data([0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3])
    static let url = ImageUrl(url: "http://127.0.0.1/image.jpg")

    static let training: [String: Call] = [
        "GetDomains": { t, _ in _ = try await t.getDomains() },
        "GetDomain": { t, _ in _ = try await t.getDomain(domainId: ids[0]) },
        "GetProjects": { t, _ in _ = try await t.getProjects() },
        "CreateProject": { t, _ in
            _ = try await t.createProject(
                name: "parts & bolts", description: "a, b", domainId: ids[0], classificationType: .multilabel,
                targetExportPlatforms: [.coreML, .onnx])
        },
        "GetProject": { t, _ in _ = try await t.getProject(projectId: project) },
        "DeleteProject": { t, _ in try await t.deleteProject(projectId: project) },
        "UpdateProject": { t, _ in
            let settings = ProjectSettings(domainId: ids[0])
            _ = try await t.updateProject(
                projectId: project, updatedProject: Project(id: project, name: "n", settings: settings))
        },
        "GetArtifact": { t, _ in _ = try await t.getArtifact(projectId: project, path: "a/b c.jpg") },
        "ExportProject": { t, _ in _ = try await t.exportProject(projectId: project) },
        "ImportProject": { t, _ in _ = try await t.importProject(token: "tok+en/=", name: "copy") },
        "GetImages": { t, _ in
            _ = try await t.getImages(
                projectId: project, iterationId: iteration, tagIds: ids, taggingStatus: .tagged,
                filter: "k eq 'v'", orderBy: .oldest, take: 256, skip: 10)
        },
        "CreateImagesFromData": { t, _ in
            _ = try await t.createImagesFromData(
                projectId: project,
                images: [ImageUpload(name: "a.jpg", data: image), .init(name: "b.jpg", data: image)],
                tagIds: ids)
        },
        "DeleteImages": { t, _ in
            try await t.deleteImages(projectId: project, imageIds: ids, allImages: false, allIterations: false)
        },
        "GetImageRegionProposals": { t, _ in
            _ = try await t.getImageRegionProposals(projectId: project, imageId: ids[0])
        },
        "GetImageCount": { t, _ in
            _ = try await t.getImageCount(
                projectId: project, iterationId: iteration, taggingStatus: .all, filter: "k eq 'v'", tagIds: ids)
        },
        "CreateImagesFromFiles": { t, _ in
            let entry = ImageFileCreateEntry(
                name: "a.jpg", contents: image, tagIds: ids,
                regions: [Region(tagId: ids[0], left: 0.1, top: 0.2, width: 0.3, height: 0.4)])
            _ = try await t.createImagesFromFiles(
                projectId: project, batch: ImageFileCreateBatch(images: [entry], tagIds: ids, metadata: ["k": "v"]))
        },
        "GetImagesByIds": { t, _ in
            _ = try await t.getImagesByIds(projectId: project, imageIds: ids, iterationId: iteration)
        },
        "UpdateImageMetadata": { t, _ in
            _ = try await t.updateImageMetadata(projectId: project, imageIds: ids, metadata: ["camera": "A"])
        },
        "CreateImagesFromPredictions": { t, _ in
            let batch = ImageIdCreateBatch(images: [ImageIdCreateEntry(id: ids[0], tagIds: ids)], tagIds: ids)
            _ = try await t.createImagesFromPredictions(projectId: project, batch: batch)
        },
        "CreateImageRegions": { t, _ in
            let entry = ImageRegionCreateEntry(
                imageId: ids[0], tagId: ids[1], left: 0.1, top: 0.1, width: 0.5, height: 0.5)
            _ = try await t.createImageRegions(projectId: project, batch: ImageRegionCreateBatch(regions: [entry]))
        },
        "DeleteImageRegions": { t, _ in try await t.deleteImageRegions(projectId: project, regionIds: ids) },
        "QuerySuggestedImages": { t, _ in
            let token = SuggestedTagAndRegionQueryToken(
                tagIds: ids, threshold: 0.5, maxCount: 10, sortBy: .uncertaintyAscending)
            _ = try await t.querySuggestedImages(projectId: project, iterationId: iteration, query: token)
        },
        "QuerySuggestedImageCount": { t, _ in
            _ = try await t.querySuggestedImageCount(
                projectId: project, iterationId: iteration, query: TagFilter(tagIds: ids, threshold: 0.5))
        },
        "GetTaggedImages": { t, _ in
            _ = try await t.getTaggedImages(
                projectId: project, iterationId: iteration, tagIds: ids, orderBy: .newest, take: 5, skip: 0)
        },
        "GetTaggedImageCount": { t, _ in
            _ = try await t.getTaggedImageCount(projectId: project, iterationId: iteration, tagIds: ids)
        },
        "CreateImageTags": { t, _ in
            let batch = ImageTagCreateBatch(tags: [ImageTagCreateEntry(imageId: ids[0], tagId: ids[1])])
            _ = try await t.createImageTags(projectId: project, batch: batch)
        },
        "DeleteImageTags": { t, _ in try await t.deleteImageTags(projectId: project, imageIds: ids, tagIds: ids) },
        "GetUntaggedImages": { t, _ in
            _ = try await t.getUntaggedImages(
                projectId: project, iterationId: iteration, orderBy: .newest, take: 0, skip: 3)
        },
        "GetUntaggedImageCount": { t, _ in
            _ = try await t.getUntaggedImageCount(projectId: project, iterationId: iteration)
        },
        "CreateImagesFromUrls": { t, _ in
            let batch = ImageUrlCreateBatch(images: [ImageUrlCreateEntry(url: url.url, tagIds: ids)], tagIds: ids)
            _ = try await t.createImagesFromUrls(projectId: project, batch: batch)
        },
        "GetIterations": { t, _ in _ = try await t.getIterations(projectId: project) },
        "GetIteration": { t, _ in _ = try await t.getIteration(projectId: project, iterationId: iteration) },
        "DeleteIteration": { t, _ in try await t.deleteIteration(projectId: project, iterationId: iteration) },
        "UpdateIteration": { t, _ in
            _ = try await t.updateIteration(
                projectId: project, iterationId: iteration, updatedIteration: Iteration(id: iteration, name: "renamed"))
        },
        "GetExports": { t, _ in _ = try await t.getExports(projectId: project, iterationId: iteration) },
        "ExportIteration": { t, _ in
            _ = try await t.exportIteration(
                projectId: project, iterationId: iteration, platform: .onnx, flavor: .onnx12)
        },
        "GetIterationPerformance": { t, _ in
            _ = try await t.getIterationPerformance(
                projectId: project, iterationId: iteration, threshold: 0.5, overlapThreshold: 0.3)
        },
        "GetImagePerformances": { t, _ in
            _ = try await t.getImagePerformances(
                projectId: project, iterationId: iteration, tagIds: ids, orderBy: .oldest, take: 10, skip: 20)
        },
        "GetImagePerformanceCount": { t, _ in
            _ = try await t.getImagePerformanceCount(projectId: project, iterationId: iteration, tagIds: ids)
        },
        "PublishIteration": { t, _ in
            _ = try await t.publishIteration(
                projectId: project, iterationId: iteration, publishName: "model v1",
                predictionId: "/subscriptions/x/resourceGroups/y/providers/Microsoft.CognitiveServices/accounts/z",
                overwrite: true)
        },
        "UnpublishIteration": { t, _ in try await t.unpublishIteration(projectId: project, iterationId: iteration) },
        "DeletePrediction": { t, _ in try await t.deletePrediction(projectId: project, ids: ids) },
        "QueryPredictions": { t, _ in
            let token = PredictionQueryToken(
                maxCount: 5, orderBy: .newest,
                tags: [PredictionQueryTag(id: ids[0], minThreshold: 0.1, maxThreshold: 1)])
            _ = try await t.queryPredictions(projectId: project, query: token)
        },
        "QuickTestImage": { t, _ in
            _ = try await t.quickTestImage(projectId: project, imageData: image, iterationId: iteration, store: false)
        },
        "QuickTestImageUrl": { t, _ in
            _ = try await t.quickTestImageUrl(projectId: project, imageUrl: url, iterationId: iteration, store: true)
        },
        "GetTags": { t, _ in _ = try await t.getTags(projectId: project, iterationId: iteration) },
        "CreateTag": { t, _ in
            _ = try await t.createTag(projectId: project, name: "scratch", description: "d", type: .negative)
        },
        "GetTag": { t, _ in _ = try await t.getTag(projectId: project, tagId: ids[0], iterationId: iteration) },
        "DeleteTag": { t, _ in try await t.deleteTag(projectId: project, tagId: ids[0]) },
        "UpdateTag": { t, _ in
            _ = try await t.updateTag(
                projectId: project, tagId: ids[0],
                updatedTag: Tag(id: ids[0], name: "n", description: "d", type: .regular))
        },
        "SuggestTagsAndRegions": { t, _ in
            _ = try await t.suggestTagsAndRegions(projectId: project, iterationId: iteration, imageIds: ids)
        },
        "TrainProject": { t, _ in
            _ = try await t.trainProject(
                projectId: project, trainingType: .advanced, reservedBudgetInHours: 1, forceTrain: true,
                notificationEmailAddress: "a@b.c", trainingParameters: TrainingParameters(selectedTags: ids))
        },
    ]

    static let prediction: [String: Call] = [
        "ClassifyImage": { _, p in
            _ = try await p.classifyImage(
                projectId: project, publishedName: "model v1", imageData: image, application: "app")
        },
        "ClassifyImageWithNoStore": { _, p in
            _ = try await p.classifyImageWithNoStore(
                projectId: project, publishedName: "m", imageData: image, application: "app")
        },
        "ClassifyImageUrl": { _, p in
            _ = try await p.classifyImageUrl(projectId: project, publishedName: "m", imageUrl: url, application: "app")
        },
        "ClassifyImageUrlWithNoStore": { _, p in
            _ = try await p.classifyImageUrlWithNoStore(
                projectId: project, publishedName: "m", imageUrl: url, application: "app")
        },
        "DetectImage": { _, p in
            _ = try await p.detectImage(projectId: project, publishedName: "m", imageData: image, application: "app")
        },
        "DetectImageWithNoStore": { _, p in
            _ = try await p.detectImageWithNoStore(
                projectId: project, publishedName: "m", imageData: image, application: "app")
        },
        "DetectImageUrl": { _, p in
            _ = try await p.detectImageUrl(projectId: project, publishedName: "m", imageUrl: url, application: "app")
        },
        "DetectImageUrlWithNoStore": { _, p in
            _ = try await p.detectImageUrlWithNoStore(
                projectId: project, publishedName: "m", imageUrl: url, application: "app")
        },
    ]
}
