using System.Security.Cryptography;
using System.Text;
using CredentialPortal.Features.ApiTokens;
using CredentialPortal.Features.Hierarchy;
using CredentialPortal.Features.Shared;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Features.ApiTokens;

public sealed class ApiTokenServiceTests : IAsyncLifetime
{
    private PortalTestDatabase database = null!;

    private ApiTokenService Tokens => database.Services.GetRequiredService<ApiTokenService>();

    private DateTime Now => database.Clock.GetUtcNow().UtcDateTime;

    public async Task InitializeAsync() => database = await PortalTestDatabase.CreateAsync();

    public async Task DisposeAsync() => await database.DisposeAsync();

    [Fact]
    public async Task A_new_token_is_a_prefixed_256_bit_random_value_of_which_only_the_SHA256_is_stored()
    {
        var first = await CreateAsync("first");
        var second = await CreateAsync("second");

        Assert.StartsWith("cpt_", first);
        Assert.Equal(32, Convert.FromBase64String(ToBase64(first["cpt_".Length..])).Length);
        Assert.NotEqual(first, second);

        await using var db = await database.CreateDbContextAsync();
        var row = await db.Set<ApiToken>().SingleAsync(t => t.Name == "first");
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(first)), row.Hash);
        Assert.Equal(first[..ApiTokenService.PrefixLength], row.Prefix);
        StoredTextScan.AssertAbsent(database, first, first["cpt_".Length..], second);

        async Task<string> CreateAsync(string name) => (await Tokens.CreateAsync(
            new ApiTokenInput(name, HierarchyDefaults.PlatformId, null), "admin@portal.test")).Token!;
    }

    [Fact]
    public async Task A_token_checks_valid_with_its_name_and_scope_and_an_unknown_value_does_not()
    {
        var token = await CreateTokenAsync(HierarchyDefaults.DefaultWorkspaceId);

        var check = await Tokens.CheckAsync(token);
        Assert.Equal(ApiTokenCheckStatus.Valid, check.Status);
        Assert.Equal("Script", check.Name);
        Assert.Equal(HierarchyDefaults.DefaultWorkspaceId, check.ScopeEntityId);

        Assert.Equal(ApiTokenCheckStatus.Unknown, (await Tokens.CheckAsync(token + "x")).Status);
        Assert.Equal(ApiTokenCheckStatus.Unknown, (await Tokens.CheckAsync("")).Status);
    }

    [Fact]
    public async Task A_token_stops_working_the_moment_it_expires_even_while_cached()
    {
        var token = await CreateTokenAsync(expiresUtc: Now.AddDays(30));
        Assert.Equal(ApiTokenCheckStatus.Valid, (await Tokens.CheckAsync(token)).Status);

        database.Clock.Advance(TimeSpan.FromDays(30) - TimeSpan.FromSeconds(1));
        Assert.Equal(ApiTokenCheckStatus.Valid, (await Tokens.CheckAsync(token)).Status);
        database.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(ApiTokenCheckStatus.Expired, (await Tokens.CheckAsync(token)).Status);
        Assert.Equal(ApiTokenState.Expired, (await Tokens.ListAsync()).Single().State);
    }

    [Fact]
    public async Task A_revoked_token_is_refused_at_once_although_it_was_cached()
    {
        var token = await CreateTokenAsync();
        Assert.Equal(ApiTokenCheckStatus.Valid, (await Tokens.CheckAsync(token)).Status);
        var id = (await Tokens.ListAsync()).Single().Id;

        Assert.True(await Tokens.RevokeAsync(id));

        Assert.Equal(ApiTokenCheckStatus.Revoked, (await Tokens.CheckAsync(token)).Status);
        Assert.Equal(ApiTokenState.Revoked, (await Tokens.ListAsync()).Single().State);
        Assert.False(await Tokens.RevokeAsync(id + 1));
    }

    [Fact]
    public async Task Last_used_is_written_on_first_use_and_then_at_most_once_a_minute()
    {
        var token = await CreateTokenAsync();
        var created = Now;
        Assert.Null((await Tokens.ListAsync()).Single().LastUsedUtc);

        await Tokens.CheckAsync(token);
        Assert.Equal(created, (await Tokens.ListAsync()).Single().LastUsedUtc);

        database.Clock.Advance(TimeSpan.FromSeconds(59));
        await Tokens.CheckAsync(token);
        Assert.Equal(created, (await Tokens.ListAsync()).Single().LastUsedUtc);

        database.Clock.Advance(TimeSpan.FromSeconds(1));
        await Tokens.CheckAsync(token);
        Assert.Equal(Now, (await Tokens.ListAsync()).Single().LastUsedUtc);
    }

    [Fact]
    public async Task The_list_shows_each_token_with_its_scope_newest_first()
    {
        await CreateTokenAsync(HierarchyDefaults.PlatformId, name: "Everything");
        database.Clock.Advance(TimeSpan.FromMinutes(1));
        await CreateTokenAsync(HierarchyDefaults.DefaultOrganizationId, Now.AddDays(90), "One organization");

        var rows = await Tokens.ListAsync();

        Assert.Equal(["One organization", "Everything"], rows.Select(r => r.Name));
        Assert.Equal(HierarchyLevel.Organization, rows[0].ScopeLevel);
        Assert.Equal(HierarchyDefaults.DefaultName, rows[0].ScopeName);
        Assert.Equal(Now.AddDays(90), rows[0].ExpiresUtc);
        Assert.Equal(HierarchyLevel.Platform, rows[1].ScopeLevel);
        Assert.All(rows, r => Assert.Equal(ApiTokenState.Active, r.State));
        Assert.All(rows, r => Assert.Equal("admin@portal.test", r.CreatedBy));
    }

    [Fact]
    public async Task A_token_without_a_name_with_a_past_expiry_or_an_unknown_scope_is_refused_and_nothing_is_saved()
    {
        var created = await Tokens.CreateAsync(new ApiTokenInput("  ", Guid.NewGuid(), Now), "admin@portal.test");

        Assert.Equal(SaveStatus.Invalid, created.Result.Status);
        Assert.Null(created.Token);
        Assert.Equal(
            [nameof(ApiTokenInput.ExpiresUtc), nameof(ApiTokenInput.Name), nameof(ApiTokenInput.ScopeEntityId)],
            created.Result.Errors!.Keys.Order());
        Assert.Empty(await Tokens.ListAsync());
    }

    [Fact]
    public async Task The_seed_token_is_made_once_with_Platform_scope_and_never_stored_in_plaintext()
    {
        const string seed = "cpt_automation-seed-value-0123456789";

        await Tokens.EnsureSeedAsync(seed);
        await Tokens.EnsureSeedAsync(seed);

        var row = Assert.Single(await Tokens.ListAsync());
        Assert.Equal(ApiTokenService.SeedName, row.Name);
        Assert.Equal(HierarchyDefaults.PlatformId, row.ScopeEntityId);
        Assert.Null(row.ExpiresUtc);
        Assert.Equal(ApiTokenCheckStatus.Valid, (await Tokens.CheckAsync(seed)).Status);
        StoredTextScan.AssertAbsent(database, seed);
    }

    [Fact]
    public async Task A_revoked_seed_token_stays_revoked_and_a_short_seed_value_is_refused()
    {
        const string seed = "cpt_automation-seed-value-0123456789";
        await Tokens.EnsureSeedAsync(seed);
        await Tokens.RevokeAsync((await Tokens.ListAsync()).Single().Id);

        await Tokens.EnsureSeedAsync(seed);

        Assert.Equal(ApiTokenCheckStatus.Revoked, (await Tokens.CheckAsync(seed)).Status);
        await Assert.ThrowsAsync<InvalidOperationException>(() => Tokens.EnsureSeedAsync("short"));
    }

    [Fact]
    public async Task A_changed_seed_value_revokes_the_earlier_seed_token()
    {
        const string first = "cpt_automation-seed-value-0123456789";
        const string second = "cpt_automation-seed-value-rotated-987";
        await Tokens.EnsureSeedAsync(first);

        await Tokens.EnsureSeedAsync(second);

        Assert.Equal(ApiTokenCheckStatus.Revoked, (await Tokens.CheckAsync(first)).Status);
        Assert.Equal(ApiTokenCheckStatus.Valid, (await Tokens.CheckAsync(second)).Status);
        var script = await CreateTokenAsync();
        await Tokens.EnsureSeedAsync(second); // unchanged: nothing else is touched
        Assert.Equal(ApiTokenCheckStatus.Valid, (await Tokens.CheckAsync(second)).Status);
        Assert.Equal(ApiTokenCheckStatus.Valid, (await Tokens.CheckAsync(script)).Status);
    }

    private async Task<string> CreateTokenAsync(Guid? scope = null, DateTime? expiresUtc = null, string name = "Script")
    {
        var created = await Tokens.CreateAsync(new ApiTokenInput(name, scope ?? HierarchyDefaults.PlatformId, expiresUtc), "admin@portal.test");
        Assert.True(created.Result.Succeeded);
        return created.Token!;
    }

    private static string ToBase64(string base64Url)
    {
        var text = base64Url.Replace('-', '+').Replace('_', '/');
        return text.PadRight(text.Length + (4 - text.Length % 4) % 4, '=');
    }
}
