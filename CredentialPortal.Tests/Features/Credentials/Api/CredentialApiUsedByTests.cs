using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Hierarchy;
using CredentialPortal.Tests.Features.Alerts;
using CredentialPortal.Features.Alerts;

namespace CredentialPortal.Tests.Features.Credentials.Api;

/// <summary>The list's items carry used_by (the tab's Used by column) and sort by it.</summary>
public sealed class CredentialApiUsedByTests : IAsyncLifetime
{
    private readonly CredentialApiFixture api = new();

    public Task InitializeAsync() => api.InitializeAsync();

    public Task DisposeAsync() => api.DisposeAsync();

    [Fact]
    public async Task Items_carry_used_by_and_sort_by_it_both_ways()
    {
        var credentials = api.Host.Service<CredentialService>();
        var alerts = api.Host.Service<AlertService>();
        var hierarchy = api.Host.Service<HierarchyService>();
        Assert.True((await credentials.CreateAsync(CredentialInputs.ClientId("Unused"))).Succeeded);
        var once = (await credentials.CreateAsync(CredentialInputs.ClientId("Once"))).Id;
        var twice = (await credentials.CreateAsync(CredentialInputs.ClientId("Twice"))).Id;
        Assert.True((await alerts.CreateAsync(AlertInputs.RuntimeAlert("A", new Uri("https://hooks.example.com/a"), once))).Succeeded);
        Assert.True((await alerts.CreateAsync(AlertInputs.RuntimeAlert("B", new Uri("https://hooks.example.com/b"), twice))).Succeeded);
        var partner = (await hierarchy.CreateAsync(HierarchyLevel.Partner, "Acme", null)).Id;
        Assert.True((await hierarchy.SetCredentialAsync(partner, twice)).Succeeded);

        var ascending = await api.SendAsync(HttpMethod.Get, CredentialApiFixture.Route + "?sort=used_by");
        var descending = await api.SendAsync(HttpMethod.Get, CredentialApiFixture.Route + "?sort=used_by&dir=desc");

        Assert.True(ascending.Status == 200, ascending.Raw);
        (string, int)[] Items(ApiAnswer answer) =>
            answer.Json["items"]!.AsArray().Select(i => (i!["name"]!.ToString(), i["used_by"]!.GetValue<int>())).ToArray();
        Assert.Equal([("Unused", 0), ("Once", 1), ("Twice", 2)], Items(ascending));
        Assert.Equal([("Twice", 2), ("Once", 1), ("Unused", 0)], Items(descending));
    }
}
