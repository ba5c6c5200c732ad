using CredentialPortal.Features.Credentials;

namespace CredentialPortal.Features.Hierarchy.Pages;

public enum HierarchyActionKind
{
    AddChild,
    Rename,
    SetCredential,
    Delete,
}

/// <summary>A button pressed on a node of the tree: what to do, to which entity, and what that entity inherits.</summary>
public sealed record HierarchyAction(HierarchyActionKind Kind, HierarchyItem Node, Inheritance? Inherited);

/// <summary>
/// What a level without its own credential falls back to: its parent, and the credential in effect there (null: none
/// on the way up, so No Auth). The platform inherits nothing.
/// </summary>
public sealed record Inheritance(string ParentName, HierarchyLevel ParentLevel, CredentialSource? Effective);

/// <summary>A credential in effect and the level whose own credential it is.</summary>
public sealed record CredentialSource(string CredentialName, CredentialType Type, HierarchyLevel Level, string LevelName)
{
    /// <summary>"Bearer Token 'Acme key'".</summary>
    public string Credential => Type.Describe(CredentialName);

    /// <summary>"partner Acme".</summary>
    public string Source => $"{Level.DisplayName().ToLowerInvariant()} {LevelName}";

    /// <summary>
    /// The credential in effect at an entity of the tree: its own, else the one it inherits. The tree is read in one
    /// query, so the service's inheritance (nearest level with a credential of its own) is followed top down here.
    /// </summary>
    public static CredentialSource? At(HierarchyItem item, Inheritance? inherited) =>
        item is { CredentialName: { } name, CredentialType: { } type }
            ? new CredentialSource(name, type, item.Level, item.Name)
            : inherited?.Effective;
}
