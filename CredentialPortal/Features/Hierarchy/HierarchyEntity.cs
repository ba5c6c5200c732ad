using CredentialPortal.Features.Credentials;

namespace CredentialPortal.Features.Hierarchy;

/// <summary>The levels of the configuration hierarchy, top down; each entity's parent is one level above it.</summary>
public enum HierarchyLevel
{
    Platform = 0,
    Partner = 1,
    Organization = 2,
    Workspace = 3,
}

/// <summary>
/// One node of the configuration hierarchy (the platform, a partner, an organization or a workspace). Its own webhook
/// credential, when set, overrides its parent's for everything below it.
/// </summary>
public class HierarchyEntity
{
    public Guid Id { get; set; }
    public HierarchyLevel Level { get; set; }
    public required string Name { get; set; }

    /// <summary>Null only for the platform.</summary>
    public Guid? ParentId { get; set; }
    public HierarchyEntity? Parent { get; set; }

    /// <summary>The level's own credential; null inherits the parent's. Deleting the credential sets it back to null.</summary>
    public int? CredentialId { get; set; }
    public Credential? Credential { get; set; }

    public DateTime CreatedUtc { get; set; }
    public DateTime LastModifiedUtc { get; set; }

    /// <summary>Optimistic concurrency token: bumped on every change.</summary>
    public int Version { get; set; }
}

/// <summary>The entities every database has: seeded by the migration, so that alerts made before the hierarchy have a home.</summary>
public static class HierarchyDefaults
{
    public static readonly Guid PlatformId = new("00000000-0000-0000-0000-000000000001");
    public static readonly Guid DefaultPartnerId = new("00000000-0000-0000-0000-000000000002");
    public static readonly Guid DefaultOrganizationId = new("00000000-0000-0000-0000-000000000003");
    public static readonly Guid DefaultWorkspaceId = new("00000000-0000-0000-0000-000000000004");

    public const string PlatformName = "Platform";
    public const string DefaultName = "Default";

    /// <summary>When the seeded rows say they were made (fixed: seed data must not change between model builds).</summary>
    public static readonly DateTime SeededUtc = new(2026, 12, 4, 0, 0, 0, DateTimeKind.Utc);
}

public static class HierarchyLevels
{
    /// <summary>"Platform", "Partner", "Organization", "Workspace".</summary>
    public static string DisplayName(this HierarchyLevel level) => level.ToString();

    /// <summary>The level a child of this level has, or null below a workspace.</summary>
    public static HierarchyLevel? ChildLevel(this HierarchyLevel level) => level == HierarchyLevel.Workspace ? null : level + 1;

    /// <summary>The level of this level's parent, or null for the platform.</summary>
    public static HierarchyLevel? ParentLevel(this HierarchyLevel level) => level == HierarchyLevel.Platform ? null : level - 1;
}
