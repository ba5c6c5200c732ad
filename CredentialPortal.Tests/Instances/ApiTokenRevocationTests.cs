using System.Net;
using CredentialPortal.Features.ApiTokens;
using CredentialPortal.Features.Hierarchy;
using CredentialPortal.Tests.Infrastructure;

namespace CredentialPortal.Tests.Instances;

/// <summary>A token revoked through one instance is refused by another at once, not when that one's cache entry expires.</summary>
public sealed class ApiTokenRevocationTests
{
    [PostgresFact]
    public async Task A_token_revoked_on_A_is_refused_by_B_without_waiting_for_its_cache_to_expire()
    {
        await using var instances = await PortalInstances.StartAsync();
        var created = await instances.A.Service<ApiTokenService>().CreateAsync(
            new ApiTokenInput("Revoked elsewhere", HierarchyDefaults.PlatformId, null), "tests");
        using var onB = instances.B.CreateApiClient(created.Token!);
        using (var before = await onB.GetAsync("/api/v1/platform"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode); // B has the token cached now
        }

        var applied = instances.B.AppliedAsync(payload => payload.Contains(" memory api-token:", StringComparison.Ordinal));
        Assert.True(await instances.A.Service<ApiTokenService>().RevokeAsync(created.Result.Id));
        await applied.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }); // old code: no message, and the check below fails

        using var after = await onB.GetAsync("/api/v1/platform");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }
}
