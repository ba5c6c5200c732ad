using CredentialPortal.Features.ApiTokens;
using CredentialPortal.Features.Hierarchy;
using CredentialPortal.Features.Users;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Features.Audit;

public sealed class ApiTokenAuditTests : IAsyncLifetime
{
    private PortalTestDatabase database = default!;

    private ApiTokenService Tokens => database.Services.GetRequiredService<ApiTokenService>();

    public async Task InitializeAsync() => database = await PortalTestDatabase.CreateAsync();

    public async Task DisposeAsync() => await database.DisposeAsync();

    [Fact]
    public async Task Creating_and_revoking_a_token_are_recorded_without_its_value_or_hash()
    {
        string value;
        int id;
        using (database.Services.GetRequiredService<ActorAccessor>().Use(new Actor("admin@example.com", PortalRoles.Administrator, "user-admin")))
        {
            var created = await Tokens.CreateAsync(new ApiTokenInput("Deploy bot", HierarchyDefaults.PlatformId, null), "admin@example.com");
            (value, id) = (created.Token!, created.Result.Id);
            Assert.True(await Tokens.RevokeAsync(id));
        }
        Assert.True(await Tokens.RevokeAsync(id)); // already revoked: nothing changes, nothing recorded

        var entries = await AuditLog.ReadAsync(database);
        Assert.Equal(["api-token.created", "api-token.revoked"], entries.Select(e => e.Entry.Action));
        Assert.All(entries, e => Assert.Equal(("admin@example.com", "api-token", id.ToString(), "Deploy bot"),
            (e.Entry.Actor, e.Entry.ObjectType, e.Entry.ObjectId, e.Entry.ObjectName)));
        Assert.DoesNotContain(entries[0].Changes, c => c.Field == "Prefix");
        Assert.All(entries[0].Changes.Where(c => c.Field == "Hash"), c => Assert.Equal((true, null, null), (c.Secret, c.From, c.To)));
        Assert.Contains(entries[1].Changes, c => c.Field == "Revoked" && c.From is null && c.To is not null);
        var text = await AuditLog.AllTextAsync(database);
        Assert.DoesNotContain(value, text);
        Assert.DoesNotContain(value["cpt_".Length..][..8], text);
    }
}
