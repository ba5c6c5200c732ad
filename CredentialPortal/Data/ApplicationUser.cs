using Microsoft.AspNetCore.Identity;

namespace CredentialPortal.Data;

/// <summary>A portal operator. What they may do is their role (Administrator, Editor or Viewer).</summary>
public class ApplicationUser : IdentityUser
{
    /// <summary>A disabled user cannot sign in and their sessions end; the account and its history stay.</summary>
    public bool IsDisabled { get; set; }
}
