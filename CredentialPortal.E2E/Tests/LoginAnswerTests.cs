using System.Net;
using System.Text.RegularExpressions;
using CredentialPortal.Data;
using CredentialPortal.E2E.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.E2E.Tests;

/// <summary>
/// The log-in answers tell an attacker nothing: an unknown email, a wrong password and an account locked by someone
/// else's failures read the same, and every one of them costs a password-hash check. A lockout holds for the client
/// that caused it, so nobody can keep the administrator out from elsewhere.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed partial class LoginAnswerTests
{
    private const string UnknownEmail = "nobody.here@portal.test";
    private static readonly IPAddress Attacker = IPAddress.Parse("127.0.0.2");

    [Fact]
    public async Task Unknown_email_wrong_password_and_an_account_locked_elsewhere_get_the_same_answer()
    {
        await using var app = PortalApplication.Start();
        using var attacker = new PortalHttpClient(app, Attacker);
        using var client = new PortalHttpClient(app);

        var unknown = await AnswerAsync(client, UnknownEmail, "wrong-password");
        var wrong = await AnswerAsync(client, PortalApplication.AdminEmail, "wrong-password");
        await LockAsync(attacker, PortalApplication.AdminEmail);
        var lockedElsewhere = await AnswerAsync(client, PortalApplication.AdminEmail, "wrong-password");

        Assert.Equal(HttpStatusCode.OK, unknown.Status);
        Assert.Contains("Invalid login attempt", unknown.Body);
        Assert.Equal(unknown, wrong);
        Assert.Equal(unknown, lockedElsewhere);
    }

    [Fact]
    public async Task The_fifth_failure_locks_a_known_and_an_unknown_email_alike_for_that_client_only()
    {
        await using var app = PortalApplication.Start();
        using var attacker = new PortalHttpClient(app, Attacker);
        using var administrator = new PortalHttpClient(app);

        var lockedKnown = await LockAsync(attacker, PortalApplication.AdminEmail);
        var lockedUnknown = await LockAsync(attacker, UnknownEmail);
        using var rightPasswordWhileLocked = await attacker.LogInAsync(PortalApplication.AdminEmail, PortalApplication.AdminPassword);
        using var administratorElsewhere = await administrator.LogInAsync(PortalApplication.AdminEmail, PortalApplication.AdminPassword);

        Assert.Equal(lockedUnknown, lockedKnown);
        Assert.Equal("/Account/Lockout", attacker.RedirectTarget(rightPasswordWhileLocked)!.AbsolutePath);
        Assert.Equal(HttpStatusCode.Redirect, administratorElsewhere.StatusCode);
        Assert.Equal(administrator.BaseAddress, administrator.RedirectTarget(administratorElsewhere));
    }

    [Fact]
    public async Task An_unknown_email_costs_a_password_hash_check_like_a_wrong_password()
    {
        var hasher = new CountingPasswordHasher();
        await using var app = PortalApplication.Start(
            configureServices: services => services.AddSingleton<IPasswordHasher<ApplicationUser>>(hasher));
        using var client = new PortalHttpClient(app);

        var before = hasher.Verifications;
        using (await client.LogInAsync(UnknownEmail, "wrong-password"))
        {
        }
        var afterUnknown = hasher.Verifications;
        using (await client.LogInAsync(PortalApplication.AdminEmail, "wrong-password"))
        {
        }

        Assert.Equal(1, afterUnknown - before);
        Assert.Equal(1, hasher.Verifications - afterUnknown);
    }

    /// <summary>Five wrong passwords; returns the fifth answer (the redirect to the lockout page).</summary>
    private static async Task<Answer> LockAsync(PortalHttpClient client, string email)
    {
        for (var attempt = 1; attempt < 5; attempt++)
        {
            var answer = await AnswerAsync(client, email, $"wrong-password-{attempt}");
            Assert.Contains("Invalid login attempt", answer.Body);
        }
        var fifth = await AnswerAsync(client, email, "wrong-password-5");
        Assert.Equal(HttpStatusCode.Redirect, fifth.Status);
        Assert.Equal("/Account/Lockout", fifth.Location?.AbsolutePath);
        return fifth;
    }

    /// <summary>
    /// Status, redirect and body of a log-in answer, minus what differs by design: the echoed email and what is freshly
    /// encrypted for every response (the antiforgery token, the persisted component state, the redirect's opaque URL).
    /// </summary>
    private static async Task<Answer> AnswerAsync(PortalHttpClient client, string email, string password)
    {
        using var response = await client.LogInAsync(email, password);
        var body = await response.Content.ReadAsStringAsync();
        body = AntiforgeryValue().Replace(body.Replace(email, "EMAIL"), "TOKEN");
        return new Answer(response.StatusCode, client.RedirectTarget(response), body);
    }

    private sealed record Answer(HttpStatusCode Status, Uri? Location, string Body);

    [GeneratedRegex("""(?<=name="__RequestVerificationToken" value=")[^"]*|(?<=<!--Blazor-Server-Component-State:)[^-]*|(?<=opaque-redirect\?url=)[^<"]*|(?<=nonce=")[^"]*""")]
    private static partial Regex AntiforgeryValue();

    /// <summary>The real hasher, counting how often a password is checked against a hash.</summary>
    private sealed class CountingPasswordHasher : IPasswordHasher<ApplicationUser>
    {
        private readonly PasswordHasher<ApplicationUser> inner = new();
        private int verifications;

        public int Verifications => Volatile.Read(ref verifications);

        public string HashPassword(ApplicationUser user, string password) => inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(ApplicationUser user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref verifications);
            return inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}
