using CredentialPortal.Features.Audit;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Credentials.OAuth;
using CredentialPortal.Features.Shared;
using CredentialPortal.Features.Users;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Features.Credentials.Rotation;

/// <summary>Rotate and Roll back through the service: the rules, the stored state, the audit row, the role check.</summary>
public sealed class CredentialRotationTests : IAsyncLifetime
{
    private const string OldToken = "old-bearer-token-0123456789";
    private const string NewToken = "new-bearer-token-9876543210";

    private PortalTestDatabase database = default!;
    private CredentialService Service => database.Credentials;

    public async Task InitializeAsync() => database = await PortalTestDatabase.CreateAsync();

    public async Task DisposeAsync() => await database.DisposeAsync();

    private async Task<int> BearerAsync()
    {
        var created = await Service.CreateAsync(new CredentialInput
        {
            Name = "Partner bearer", Type = CredentialType.BearerToken, FieldName = "Authorization", Secret = OldToken,
        });
        Assert.True(created.Succeeded);
        return created.Id;
    }

    private async Task<int> StandardWebhooksAsync(string secret)
    {
        var created = await Service.CreateAsync(new CredentialInput
        {
            Name = "Signed", Type = CredentialType.HmacSignature, Format = HmacFormat.StandardWebhooks, Secret = secret,
        });
        Assert.True(created.Succeeded);
        return created.Id;
    }

    [Fact]
    public async Task A_rotation_sends_the_new_value_keeps_the_old_for_the_window_and_records_no_secret()
    {
        var id = await BearerAsync();
        var before = (await Service.GetForEditAsync(id))!;

        var result = await Service.RotateAsync(id, new RotationInput { Secret = NewToken, GracePeriodSeconds = 3_600 });

        Assert.Equal(SaveStatus.Saved, result.Status);
        Assert.Null(result.GeneratedSecret);
        var resolved = (await Service.ResolveAsync(id))!;
        Assert.Equal($"Bearer {NewToken}", resolved.WireValue);
        Assert.Null(resolved.PreviousSecret); // header types send the new value alone

        var now = database.Clock.GetUtcNow().UtcDateTime;
        var after = (await Service.GetForEditAsync(id))!;
        Assert.Equal(before.Version + 1, after.Version);
        Assert.Equal(now, after.RotatedUtc);
        Assert.Equal(now.AddHours(1), after.GraceEndsUtc);
        Assert.Equal("3210", after.SecretHint);

        await using var db = await database.CreateDbContextAsync();
        var stored = await db.Credentials.AsNoTracking().SingleAsync(c => c.Id == id);
        Assert.NotNull(stored.ProtectedPreviousSecret);
        Assert.DoesNotContain(OldToken, stored.ProtectedPreviousSecret);
        Assert.Equal("6789", stored.PreviousSecretHint);

        var entry = await db.AuditEntries.AsNoTracking().SingleAsync(e => e.Action == CredentialService.RotatedAction);
        Assert.Equal(("credential", stored.PublicId.ToString(), "Partner bearer", "system"), (entry.ObjectType, entry.ObjectId, entry.ObjectName, entry.Actor));
        var changes = AuditTrail.ChangesOf(entry.Changes);
        Assert.Contains(changes, c => c is { Field: "Token", Secret: true, From: null, To: null });
        Assert.Contains(changes, c => c.Field == "Grace period ends" && c.To == now.AddHours(1).ToString("O"));
        Assert.DoesNotContain(OldToken, entry.Changes);
        Assert.DoesNotContain(NewToken, entry.Changes);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(604_801)]
    public async Task A_grace_period_outside_0_to_7_days_is_refused_beside_its_field(int seconds)
    {
        var id = await BearerAsync();

        var result = await Service.RotateAsync(id, new RotationInput { Secret = NewToken, GracePeriodSeconds = seconds });

        Assert.Equal(SaveStatus.Invalid, result.Status);
        Assert.Contains("between 0 seconds", Assert.Single(result.Errors![nameof(RotationInput.GracePeriodSeconds)]));
        Assert.Equal($"Bearer {OldToken}", (await Service.ResolveAsync(id))!.WireValue);
    }

    [Fact]
    public async Task The_new_secret_is_required_where_the_portal_cannot_generate_one_and_must_fit_the_format()
    {
        var bearer = await BearerAsync();
        var signed = await StandardWebhooksAsync(CredentialRules.NewStandardWebhooksSecret());

        var missing = await Service.RotateAsync(bearer, new RotationInput());
        var generate = await Service.RotateAsync(bearer, new RotationInput { Generate = true });
        var notWhsec = await Service.RotateAsync(signed, new RotationInput { Secret = "plain-secret" });
        var keyId = await Service.RotateAsync(signed, new RotationInput { Generate = true, KeyId = "k2" });

        Assert.Equal("The new Token is required.", Assert.Single(missing.Errors![nameof(RotationInput.Secret)]));
        Assert.Contains("cannot generate a Token for Bearer Token", Assert.Single(generate.Errors![nameof(RotationInput.Secret)]));
        Assert.Contains("whsec_", Assert.Single(notWhsec.Errors![nameof(RotationInput.Secret)]));
        Assert.Contains("Only a t=,v1=,key= signature has a Key ID.", keyId.Errors![nameof(RotationInput.KeyId)]);
        Assert.All(new[] { missing, generate, notWhsec, keyId }, r => Assert.Equal(SaveStatus.Invalid, r.Status));
    }

    [Fact]
    public async Task Generate_makes_a_standard_webhooks_secret_that_is_returned_once_and_stored_encrypted()
    {
        var old = CredentialRules.NewStandardWebhooksSecret();
        var id = await StandardWebhooksAsync(old);

        var result = await Service.RotateAsync(id, new RotationInput { Generate = true });

        Assert.NotNull(CredentialRules.StandardWebhooksKey(result.GeneratedSecret!));
        var resolved = (await Service.ResolveAsync(id))!;
        Assert.Equal(result.GeneratedSecret, resolved.Secret);
        Assert.Equal(old, resolved.PreviousSecret);
        Assert.DoesNotContain(result.GeneratedSecret!, result.ToString());
        await using var db = await database.CreateDbContextAsync();
        Assert.DoesNotContain(result.GeneratedSecret!, (await db.Credentials.AsNoTracking().SingleAsync(c => c.Id == id)).ProtectedSecret);
    }

    [Fact]
    public async Task Roll_back_restores_the_previous_value_while_the_window_is_open_and_not_after()
    {
        var id = await BearerAsync();
        Assert.True((await Service.RotateAsync(id, new RotationInput { Secret = NewToken, GracePeriodSeconds = 600 })).Succeeded);

        var rolledBack = await Service.RollBackAsync(id);

        Assert.Equal(SaveStatus.Saved, rolledBack.Status);
        Assert.Equal($"Bearer {OldToken}", (await Service.ResolveAsync(id))!.WireValue);
        var state = (await Service.GetRotationAsync(id))!;
        Assert.Equal((null, null, false), (state.RotatedUtc, state.GraceEndsUtc, state.GraceOpen));
        Assert.Equal("6789", (await Service.GetForEditAsync(id))!.SecretHint);
        await using (var db = await database.CreateDbContextAsync())
        {
            var entry = await db.AuditEntries.AsNoTracking().SingleAsync(e => e.Action == CredentialService.RolledBackAction);
            Assert.DoesNotContain(OldToken, entry.Changes);
            Assert.Null((await db.Credentials.AsNoTracking().SingleAsync(c => c.Id == id)).ProtectedPreviousSecret);
        }

        // A second rotation, then its window ends by the clock alone: nothing is left to roll back to.
        Assert.True((await Service.RotateAsync(id, new RotationInput { Secret = NewToken, GracePeriodSeconds = 600 })).Succeeded);
        Assert.True((await Service.GetRotationAsync(id))!.GraceOpen);
        database.Clock.Advance(TimeSpan.FromSeconds(600));
        Assert.False((await Service.GetRotationAsync(id))!.GraceOpen);
        var late = await Service.RollBackAsync(id);
        Assert.Equal(SaveStatus.Conflict, late.Status);
        Assert.Contains("grace period has ended", late.Errors![""][0]);
        Assert.Equal($"Bearer {NewToken}", (await Service.ResolveAsync(id))!.WireValue);
    }

    [Fact]
    public async Task A_grace_period_of_0_ends_the_old_secret_at_once_and_keeps_nothing_of_it()
    {
        var old = CredentialRules.NewStandardWebhooksSecret();
        var id = await StandardWebhooksAsync(old);

        Assert.True((await Service.RotateAsync(id, new RotationInput { Generate = true, GracePeriodSeconds = 0 })).Succeeded);

        Assert.Null((await Service.ResolveAsync(id))!.PreviousSecret);
        Assert.False((await Service.GetRotationAsync(id))!.GraceOpen);
        Assert.Equal(SaveStatus.Conflict, (await Service.RollBackAsync(id)).Status);
        await using var db = await database.CreateDbContextAsync();
        Assert.Null((await db.Credentials.AsNoTracking().SingleAsync(c => c.Id == id)).ProtectedPreviousSecret);
    }

    [Fact]
    public async Task A_viewer_can_neither_rotate_nor_roll_back()
    {
        var id = await BearerAsync();
        Assert.True((await Service.RotateAsync(id, new RotationInput { Secret = NewToken })).Succeeded);
        var actors = database.Services.GetRequiredService<ActorAccessor>();

        using (actors.Use(new Actor("v", PortalRoles.Viewer)))
        {
            await Assert.ThrowsAsync<ForbiddenException>(() => Service.RotateAsync(id, new RotationInput { Secret = "another-token-value-1" }));
            await Assert.ThrowsAsync<ForbiddenException>(() => Service.RollBackAsync(id));
        }
        using (actors.Use(new Actor("e", PortalRoles.Editor)))
        {
            Assert.True((await Service.RollBackAsync(id)).Succeeded);
        }
        Assert.Equal($"Bearer {OldToken}", (await Service.ResolveAsync(id))!.WireValue);
    }

    [Fact]
    public async Task The_cached_read_shows_the_rotation_at_once()
    {
        var id = await BearerAsync();
        var cached = (await Service.GetCachedAsync(id))!;

        Assert.True((await Service.RotateAsync(id, new RotationInput { Secret = NewToken })).Succeeded);

        var reread = (await Service.GetCachedAsync(id))!;
        Assert.Equal(cached.Version + 1, reread.Version);
        Assert.Equal(database.Clock.GetUtcNow().UtcDateTime.AddSeconds(RotationRules.DefaultGracePeriodSeconds), reread.GraceEndsUtc);
    }

    [Fact]
    public async Task A_jwt_key_rotation_publishes_both_public_keys_until_the_window_ends()
    {
        var created = await Service.CreateAsync(new CredentialInput
        {
            Name = "JWT client", Type = CredentialType.OAuth2, GrantType = OAuthGrantType.ClientCredentialsWithJwt,
            TokenUrl = "http://127.0.0.1:9/token", ClientId = "portal-app", PrivateKeyPem = OAuthKeys.Generate().PrivateKeyPem,
        });
        Assert.True(created.Succeeded, string.Join(" ", created.Errors?.SelectMany(e => e.Value) ?? []));
        var publicId = (await Service.GetForEditAsync(created.Id))!.PublicId;
        var oldKey = Assert.Single((await Service.GetPublicKeysAsync(publicId))!);

        var rotated = await Service.RotateAsync(created.Id, new RotationInput { Generate = true, GracePeriodSeconds = 60 });

        Assert.Null(rotated.GeneratedSecret); // a private key is never handed out; its public half is published
        var keys = (await Service.GetPublicKeysAsync(publicId))!;
        Assert.Equal(2, keys.Count);
        Assert.NotEqual(oldKey.KeyId, keys[0].KeyId);
        Assert.Equal(oldKey.KeyId, keys[1].KeyId);
        Assert.Equal(keys[0].KeyId, (await Service.GetForEditAsync(created.Id))!.OAuth!.PublicKey!.KeyId);
        database.Clock.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(keys[0].KeyId, Assert.Single((await Service.GetPublicKeysAsync(publicId))!).KeyId);
        Assert.Null(await Service.GetPublicKeysAsync(Guid.NewGuid()));
    }
}
