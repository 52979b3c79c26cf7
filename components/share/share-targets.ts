/**
 * Plain share links: navigating to them is the reader's choice, and nothing
 * from these sites is loaded on our pages (no buttons, no scripts).
 */
export function buildShareTargets(url: string, text: string): { id: string; label: string; href: string }[] {
  const u = encodeURIComponent(url);
  const t = encodeURIComponent(text);
  const both = encodeURIComponent(`${text} ${url}`);
  return [
    { id: "telegram", label: "Telegram", href: `https://t.me/share/url?url=${u}&text=${t}` },
    { id: "whatsapp", label: "WhatsApp", href: `https://wa.me/?text=${both}` },
    { id: "x", label: "X", href: `https://x.com/intent/post?text=${t}&url=${u}` },
    { id: "facebook", label: "Facebook", href: `https://www.facebook.com/sharer/sharer.php?u=${u}` },
    { id: "vk", label: "VK", href: `https://vk.com/share.php?url=${u}&title=${t}` },
    { id: "bluesky", label: "Bluesky", href: `https://bsky.app/intent/compose?text=${both}` },
    { id: "email", label: "", href: `mailto:?subject=${t}&body=${both}` },
  ];
}
