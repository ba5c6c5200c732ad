using CredentialPortal.Features.ApiTokens;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Hierarchy;
using CredentialPortal.Features.Shared;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Infrastructure;

/// <summary>
/// A read that is about to be cached when a change lands (after the read, before the store) must not be what the next
/// read answers: the API token check, the credential's cached read and the list's count, each held at the store while a
/// revocation, an edit or a creation commits.
/// </summary>
public sealed class StampedCacheTests : IAsyncLifetime
{
    private readonly StoreGate gate = new(new MemoryCache(new MemoryCacheOptions()));
    private PortalTestDatabase database = null!;

    public async Task InitializeAsync() =>
        database = await PortalTestDatabase.CreateAsync(services => services.AddSingleton<IMemoryCache>(gate));

    public async Task DisposeAsync()
    {
        gate.Open();
        await database.DisposeAsync();
        gate.Dispose();
    }

    private static CredentialInput Bearer(string name) => new()
    {
        Name = name, Type = CredentialType.BearerToken, FieldName = "Authorization", Secret = "sk_live_abc123xyz789",
    };

    /// <summary>Runs <paramref name="read"/> until it stores under a key <paramref name="holds"/> picks, runs <paramref name="change"/>, then lets the store go on.</summary>
    private async Task<T> RaceAsync<T>(Func<string, bool> holds, Func<Task<T>> read, Func<Task> change)
    {
        gate.Arm(holds);
        var inFlight = Task.Run(read); // off this thread: the store blocks
        await gate.Reached.WaitAsync(TimeSpan.FromSeconds(30));
        await change();
        gate.Open();
        return await inFlight.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_token_check_stored_after_the_revocation_does_not_let_the_token_in()
    {
        var tokens = database.Services.GetRequiredService<ApiTokenService>();
        var created = await tokens.CreateAsync(new ApiTokenInput("Raced", HierarchyDefaults.PlatformId, null), "admin@portal.test");

        var raced = await RaceAsync(key => key.StartsWith("api-token:", StringComparison.Ordinal),
            async () => await tokens.CheckAsync(created.Token!),
            async () => Assert.True(await tokens.RevokeAsync(created.Result.Id)));

        Assert.Equal(ApiTokenCheckStatus.Valid, raced.Status); // it read before the revocation
        Assert.Equal(ApiTokenCheckStatus.Revoked, (await tokens.CheckAsync(created.Token!)).Status);
    }

    [Fact]
    public async Task A_credential_read_stored_after_an_edit_is_not_what_the_next_read_answers()
    {
        var credentials = database.Credentials;
        var id = (await credentials.CreateAsync(Bearer("Acme key"))).Id;

        var raced = await RaceAsync(key => key == $"credential:{id}",
            () => credentials.GetCachedAsync(id),
            async () =>
            {
                var edit = (await credentials.GetForEditAsync(id))!.ToInput();
                edit.Name = "Acme key (renamed)";
                Assert.Equal(SaveStatus.Saved, (await credentials.UpdateAsync(id, edit)).Status);
            });

        Assert.Equal("Acme key", raced!.Name);
        Assert.Equal("Acme key (renamed)", (await credentials.GetCachedAsync(id))!.Name);
    }

    [Fact]
    public async Task A_list_count_stored_after_a_creation_is_not_what_the_next_page_shows()
    {
        var credentials = database.Credentials;
        await credentials.CreateAsync(Bearer("Acme key"));

        var raced = await RaceAsync(key => key == "credential-count",
            () => credentials.ListAsync(new CredentialListQuery()),
            () => credentials.CreateAsync(Bearer("Globex key")));

        Assert.Equal(1, raced.TotalCount);
        Assert.Equal(2, (await credentials.ListAsync(new CredentialListQuery())).TotalCount);
    }

    /// <summary>The portal's memory cache, holding the first store under a chosen key until the test opens the gate.</summary>
    private sealed class StoreGate(MemoryCache inner) : IMemoryCache
    {
        private readonly TaskCompletionSource reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ManualResetEventSlim open = new();
        private volatile Func<string, bool>? holds;

        public Task Reached => reached.Task;

        public void Arm(Func<string, bool> predicate) => holds = predicate;

        public void Open() => open.Set();

        public ICacheEntry CreateEntry(object key)
        {
            if (holds is { } predicate && key is string text && predicate(text))
            {
                holds = null;
                reached.TrySetResult();
                open.Wait(TimeSpan.FromSeconds(30));
            }
            return inner.CreateEntry(key);
        }

        public bool TryGetValue(object key, out object? value) => inner.TryGetValue(key, out value);

        public void Remove(object key) => inner.Remove(key);

        public void Clear() => inner.Clear();

        public void Dispose()
        {
            inner.Dispose();
            open.Dispose();
        }
    }
}
