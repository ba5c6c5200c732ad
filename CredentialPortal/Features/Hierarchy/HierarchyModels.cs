using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Shared;

namespace CredentialPortal.Features.Hierarchy;

/// <summary>One entity as pages and the API show it: never a credential's values, only its name and type.</summary>
public sealed record HierarchyItem(
    Guid Id,
    HierarchyLevel Level,
    string Name,
    Guid? ParentId,
    int? CredentialId,
    string? CredentialName,
    CredentialType? CredentialType,
    DateTime CreatedUtc,
    DateTime LastModifiedUtc,
    int Version);

/// <summary>An entity's place in the hierarchy and its own credential, as scope checks and inheritance read it.</summary>
public sealed record HierarchyShape(Guid Id, HierarchyLevel Level, string Name, Guid? ParentId, int? CredentialId);

/// <summary>An entity with its children, ordered by name.</summary>
public sealed record HierarchyNode(HierarchyItem Item, IReadOnlyList<HierarchyNode> Children);

/// <summary>
/// The credential an entity's webhooks use: its own, else the nearest ancestor's. <see cref="SourceId"/> is the entity
/// whose own credential it is.
/// </summary>
public sealed record EffectiveCredential(
    int CredentialId,
    Guid CredentialPublicId,
    string CredentialName,
    CredentialType Type,
    Guid SourceId,
    HierarchyLevel SourceLevel,
    string SourceName)
{
    /// <summary>How the overview says where it comes from, e.g. "inherited from partner Acme" (or "own credential of workspace Ops").</summary>
    public string SourceText(Guid viewedFrom) => viewedFrom == SourceId
        ? $"own credential of {SourceLevel.DisplayName().ToLowerInvariant()} {SourceName}"
        : $"inherited from {SourceLevel.DisplayName().ToLowerInvariant()} {SourceName}";
}

/// <summary>A workspace as the alert form offers it: its name with its partner's and organization's.</summary>
public sealed record WorkspaceChoice(Guid Id, string Name, string OrganizationName, string PartnerName)
{
    /// <summary>"Ops (Acme › Europe)": the workspace's name first, so that a search by name finds it.</summary>
    public string Label => $"{Name} ({PartnerName} › {OrganizationName})";
}

/// <summary>The outcome of a change to an entity: its status, its id, or the messages per field (Name, ParentId, CredentialId).</summary>
public sealed record HierarchyResult(SaveStatus Status, Guid Id = default, IReadOnlyDictionary<string, string[]>? Errors = null)
{
    public bool Succeeded => Status == SaveStatus.Saved;

    public static HierarchyResult Invalid(string field, string message) =>
        new(SaveStatus.Invalid, Errors: new Dictionary<string, string[]> { [field] = [message] });
}

public enum HierarchyDeleteStatus
{
    Deleted,
    NotFound,

    /// <summary>Children or alerts remain, or it is the platform: <see cref="HierarchyDeletion.Message"/> says which.</summary>
    Refused,
}

public sealed record HierarchyDeletion(HierarchyDeleteStatus Status, string? Message = null);
