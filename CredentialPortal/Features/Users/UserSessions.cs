namespace CredentialPortal.Features.Users;

/// <summary>
/// Ends a user's open circuits on this instance at once when an administrator changes the user (role, disabled,
/// password): the cookie's security stamp check ends their HTTP sessions on the next request, and the circuits' own
/// periodic check would take up to a minute.
/// </summary>
public sealed class UserSessions
{
    public event Action<string>? Ended;

    public void End(string userId) => Ended?.Invoke(userId);
}
