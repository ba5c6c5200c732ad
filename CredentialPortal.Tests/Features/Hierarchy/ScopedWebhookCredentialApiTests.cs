using System.Net;
using CredentialPortal.Data;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Hierarchy;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static CredentialPortal.Tests.Features.Hierarchy.HierarchyApiTests;

namespace CredentialPortal.Tests.Features.Hierarchy;

/// <summary>
/// A token scoped below the platform may set and clear its entities' credentials, but the credential library is the
/// platform's: such a token never rewrites nor deletes a library credential through the config routes.
/// </summary>
public sealed class ScopedWebhookCredentialApiTests : IAsyncLifetime
{
    private readonly ApiHost host = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await host.DisposeAsync();

    private static string Route(Guid workspace) => $"/api/v1/config/workspace/{workspace}/webhook-credential";

    private async Task<List<(string Name, int Version)>> LibraryAsync()
    {
        await using var db = await host.Service<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        return (await db.Credentials.OrderBy(c => c.Id).Select(c => new { c.Name, c.Version }).ToListAsync())
            .Select(c => (c.Name, c.Version)).ToList();
    }

    [Fact]
    public async Task A_workspace_token_replaces_and_clears_without_rewriting_or_deleting_the_library_credential()
    {
        var (_, _, workspace) = await ChainAsync(host.Client);
        // An operator's credential from the tab, set as the workspace's own and used by nothing else.
        var saved = await host.Service<CredentialService>().CreateAsync(new CredentialInput
        {
            Name = "Operator key",
            Type = CredentialType.BearerToken,
            FieldName = "Authorization",
            Secret = "operator-secret-0123456789",
        });
        Assert.True(saved.Succeeded);
        Assert.True((await host.Service<HierarchyService>().SetCredentialAsync(workspace, saved.Id)).Succeeded);
        var before = await LibraryAsync();

        using var scoped = host.CreateApiClient(await host.CreateTokenAsync(workspace));
        using (var post = await scoped.PostAsync(Route(workspace), Json("""{"auth_type": "bearer", "credential": "workspace-token-abcdefgh"}""")))
        {
            Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        }
        // The operator's credential is untouched; the workspace now has a new one of its own.
        var after = await LibraryAsync();
        Assert.Equal(before[0], after[0]);
        Assert.Equal(2, after.Count);
        Assert.NotEqual(saved.Id, (await host.Service<HierarchyService>().GetAsync(workspace))!.CredentialId);

        using (var delete = await scoped.DeleteAsync(Route(workspace)))
        {
            Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        }
        // Cleared on the workspace, kept in the library.
        Assert.Null((await host.Service<HierarchyService>().GetAsync(workspace))!.CredentialId);
        Assert.Equal(2, (await LibraryAsync()).Count);
    }

    [Fact]
    public async Task The_hint_of_a_short_user_name_is_its_last_four_characters()
    {
        var (_, _, workspace) = await ChainAsync(host.Client);
        using var post = await host.Client.PostAsync(Route(workspace),
            Json("""{"auth_type": "basic", "credential": "admin", "secret": "secure_password_123"}"""));
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Equal("...dmin", (await ReadAsync(post)).GetProperty("credential_hint").GetString());
    }
}
