using System.Security.Cryptography;
using CredentialPortal.Data;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Shared;
using CredentialPortal.Infrastructure;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Instances;

/// <summary>
/// Two instances (two service providers, each with its own empty key folder) on one PostgreSQL database: with the key
/// ring in the database a secret saved through one is read by the other; with a key folder each it is not.
/// </summary>
public sealed class SharedKeyRingTests : IAsyncLifetime
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "credportal-instances", Guid.NewGuid().ToString("N"));
    private readonly List<ServiceProvider> instances = [];

    [PostgresFact]
    public async Task A_secret_saved_through_one_instance_is_read_by_another_with_the_key_ring_in_the_database()
    {
        var a = await InstanceAsync("a", store: null); // the default on PostgreSQL
        var b = await InstanceAsync("b", store: null);

        var id = await SaveAsync(a, "s3cret-shared-by-instances");

        var read = await b.GetRequiredService<CredentialService>().ResolveAsync(id);
        Assert.Equal("s3cret-shared-by-instances", read?.Secret);
        var keysOfB = Path.Combine(folder, "b", "keys");
        Assert.False(Directory.Exists(keysOfB) && Directory.EnumerateFiles(keysOfB).Any()); // nothing in B's folder: the ring is the table
        await using var db = await a.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        Assert.Equal(1, await db.DataProtectionKeys.CountAsync());
    }

    [PostgresFact]
    public async Task With_a_key_folder_each_another_instance_cannot_read_the_secret()
    {
        var a = await InstanceAsync("a", store: "FileSystem");
        var b = await InstanceAsync("b", store: "FileSystem");

        var id = await SaveAsync(a, "s3cret-in-one-folder");

        await Assert.ThrowsAnyAsync<CryptographicException>(() => b.GetRequiredService<CredentialService>().ResolveAsync(id));
    }

    private async Task<ServiceProvider> InstanceAsync(string name, string? store)
    {
        TestProvider.EnsureDatabase(folder);
        var services = new ServiceCollection();
        services.AddLogging();
        var settings = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["DataProtection:Store"] = store })
            .Build();
        services.AddPortalDomain(settings, TestProvider.DatabaseFor(folder, Path.Combine(folder, "portal.db")), Path.Combine(folder, name, "keys"));
        var provider = services.BuildServiceProvider();
        instances.Add(provider);
        await using var db = await provider.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        await db.Database.MigrateAsync();
        return provider;
    }

    private static async Task<int> SaveAsync(IServiceProvider instance, string secret)
    {
        var saved = await instance.GetRequiredService<CredentialService>().CreateAsync(new CredentialInput
        {
            Name = "Shared",
            Type = CredentialType.ClientIdAndSecret,
            FieldName = "auth",
            Location = CredentialLocation.Header,
            ClientId = "client-shared",
            Secret = secret,
        });
        Assert.Equal(SaveStatus.Saved, saved.Status);
        return saved.Id;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var instance in instances)
        {
            await instance.DisposeAsync();
        }
        TestProvider.DeleteTestData(folder);
    }
}
