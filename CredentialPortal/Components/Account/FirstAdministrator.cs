using CredentialPortal.Data;
using CredentialPortal.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CredentialPortal.Components.Account;

/// <summary>Creates the first administrator: from Seed:* at start-up, or once in the browser while no user exists.</summary>
public sealed class FirstAdministrator(UserManager<ApplicationUser> users, IOptions<SeedOptions> seed, ILogger<FirstAdministrator> logger)
{
    private static readonly SemaphoreSlim CreationLock = new(1, 1);

    public async Task<bool> IsNeededAsync() => !await users.Users.AnyAsync();

    public async Task SeedFromConfigurationAsync()
    {
        var (email, password) = (seed.Value.AdminEmail, seed.Value.AdminPassword);
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password) || await users.FindByEmailAsync(email) is not null)
        {
            return;
        }

        var result = await CreateAsync(email, password);
        if (result.Succeeded)
        {
            logger.LogInformation("Created the administrator {Email} from the Seed settings.", email);
        }
        else
        {
            throw new InvalidOperationException(
                "Seed:AdminEmail/Seed:AdminPassword could not create the administrator: " +
                string.Join(" ", result.Errors.Select(e => e.Description)));
        }
    }

    /// <summary>Creates the first administrator in the browser; refused once any user exists.</summary>
    public async Task<IdentityResult?> CreateFirstAsync(string email, string password)
    {
        await CreationLock.WaitAsync();
        try
        {
            if (await users.Users.AnyAsync())
            {
                return null;
            }
            return await CreateAsync(email, password);
        }
        finally
        {
            CreationLock.Release();
        }
    }

    private Task<IdentityResult> CreateAsync(string email, string password)
    {
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true };
        return users.CreateAsync(user, password);
    }
}
