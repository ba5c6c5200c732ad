using System.Data.Common;
using CredentialPortal.Data;
using CredentialPortal.Features.ApiTokens;
using CredentialPortal.Features.Hierarchy;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Features.ApiTokens;

/// <summary>
/// A check that read a token just before it was revoked must not keep what it read: the next check refuses the token,
/// rather than the cached copy letting it in until the entry expires.
/// </summary>
public sealed class ApiTokenCheckRaceTests : IAsyncLifetime
{
    private readonly ReadGate gate = new();
    private PortalTestDatabase database = null!;

    private ApiTokenService Tokens => database.Services.GetRequiredService<ApiTokenService>();

    public async Task InitializeAsync() =>
        database = await PortalTestDatabase.CreateAsync(services =>
            services.ConfigureDbContext<PortalDbContext>(options => options.AddInterceptors(gate)));

    public async Task DisposeAsync() => await database.DisposeAsync();

    [Fact]
    public async Task A_check_that_read_the_token_before_its_revocation_does_not_keep_it()
    {
        var created = await Tokens.CreateAsync(new ApiTokenInput("Raced", HierarchyDefaults.PlatformId, null), "admin@portal.test");

        gate.Armed = true;
        var inFlight = Tokens.CheckAsync(created.Token!).AsTask();
        await gate.Reached.WaitAsync(TimeSpan.FromSeconds(30)); // the row is read, not yet cached
        gate.Armed = false;
        Assert.True(await Tokens.RevokeAsync(created.Result.Id));
        gate.Open();

        Assert.Equal(ApiTokenCheckStatus.Valid, (await inFlight.WaitAsync(TimeSpan.FromSeconds(30))).Status); // it read before
        Assert.Equal(ApiTokenCheckStatus.Revoked, (await Tokens.CheckAsync(created.Token!)).Status);
    }

    /// <summary>Holds a read of the ApiTokens table once its rows are read, until the test opens the gate.</summary>
    private sealed class ReadGate : DbCommandInterceptor
    {
        private readonly TaskCompletionSource reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource open = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public volatile bool Armed;

        public Task Reached => reached.Task;

        public void Open() => open.TrySetResult();

        public override async ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result,
            CancellationToken cancellationToken = default)
        {
            if (Armed && command.CommandText.Contains("FROM \"ApiTokens\"", StringComparison.Ordinal))
            {
                reached.TrySetResult();
                await open.Task;
            }
            return result;
        }
    }
}
