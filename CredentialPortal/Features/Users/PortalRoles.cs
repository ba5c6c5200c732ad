namespace CredentialPortal.Features.Users;

/// <summary>
/// The three roles, each including the one below it: a Viewer reads everything but secrets, an Editor also changes
/// credentials, alerts and the hierarchy and replays deliveries, an Administrator also manages users and API tokens.
/// </summary>
public static class PortalRoles
{
    public const string Administrator = "Administrator";
    public const string Editor = "Editor";
    public const string Viewer = "Viewer";

    /// <summary>Highest first, the order a role picker offers them.</summary>
    public static readonly IReadOnlyList<string> All = [Administrator, Editor, Viewer];

    // Fixed ids: the roles are model data (seeded by the migrations), the same on every instance and both engines.
    public const string AdministratorId = "role-administrator";
    public const string EditorId = "role-editor";
    public const string ViewerId = "role-viewer";

    public static int Rank(string? role) => role switch
    {
        Administrator => 3,
        Editor => 2,
        Viewer => 1,
        _ => 0,
    };

    /// <summary>Whether <paramref name="role"/> may do what <paramref name="required"/> may.</summary>
    public static bool Includes(string? role, string required) => Rank(role) >= Rank(required) && Rank(required) > 0;

    public static bool IsRole(string? role) => Rank(role) > 0;
}

/// <summary>
/// Authorization policies named after the role they need at least ("Editor" admits Editors and Administrators).
/// Pages use them in <c>[Authorize(Policy = …)]</c> and <c>&lt;AuthorizeView Policy="…"&gt;</c>, endpoint groups in
/// <c>RequireAuthorization</c>; the services check the same roles through <see cref="ActorAccessor.Require"/>.
/// </summary>
public static class PortalPolicies
{
    public const string Viewer = PortalRoles.Viewer;
    public const string Editor = PortalRoles.Editor;
    public const string Administrator = PortalRoles.Administrator;

    public static void Add(Microsoft.AspNetCore.Authorization.AuthorizationOptions options)
    {
        foreach (var role in PortalRoles.All)
        {
            options.AddPolicy(role, policy => policy.RequireAuthenticatedUser()
                .RequireAssertion(context => Actor.Of(context.User).Has(role)));
        }
    }
}
