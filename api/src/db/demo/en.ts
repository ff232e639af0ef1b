import type { DemoContent } from './content.js';

/** The demo blog in English: three authors (engineering; travel and food; notes) and their readers. */
export const EN: DemoContent = {
  categories: [
    { name: 'Engineering', slug: 'engineering', description: 'Building things that stay up.' },
    { name: 'Travel', slug: 'travel', description: 'Trains, trails and slow mornings.' },
    { name: 'Food', slug: 'food', description: 'What we cooked and what we learned.' },
    { name: 'Notes', slug: 'notes', description: 'Short thoughts, kept.' },
  ],
  people: {
    admin: {
      name: 'Ada Admin',
      bio: 'Keeps this blog running and its comment section kind, and writes the Notes: habits, paper and small tools. Prefers small deploys and long walks.',
    },
    grace: {
      name: 'Grace Hopper',
      bio: 'Writes about web engineering, measuring things and the habits that keep software boring in the best way. Has opinions about counters.',
    },
    linus: {
      name: 'Linus Park',
      bio: 'Travels by train and bike, cooks whatever the trip taught him, and splits his time between Seoul and wherever the night train stops.',
    },
    minji: { name: 'Min-ji Kim' },
    sam: { name: 'Sam Reader' },
    noor: { name: 'Noor Haddad' },
    tomas: { name: 'Tomás Silva' },
    yuki: { name: 'Yuki Sato' },
    ulla: { name: 'Unverified Ulla' },
  },
  posts: [
    {
      title: 'Why our pages are static',
      subtitle: 'Fast by default, dynamic where it matters',
      slug: 'why-our-pages-are-static',
      category: 0,
      tags: ['Performance', 'Astro'],
      author: 'grace',
      cover: {
        scene: { kind: 'pages', sky: ['#1d3557', '#457b9d'], ink: ['#1d3557', '#a8dadc', '#f1faee'] },
        alt: 'Three pages of a website fanned out on a deep blue background, with speed lines beside them',
      },
      body: `Most of what a blog does is the same for every reader. The post you are reading looks the same to you as it does to the next person who opens it, so there is no reason to build it again on every request. We build each page once, when it changes, and let the web server hand out a file.

## What is static here

- Every post page, with its first page of comments already in the HTML
- The home page, the category and tag listings, and the author pages
- The RSS feeds, the sitemap and the search index

When an author publishes, the API sends a signed webhook to the builder. The builder renders the pages that changed first (the post, the listings it appears on, the feeds) and swaps them in atomically, so a reader never sees a half-built site. A full rebuild follows in the background.

## What stays dynamic

Only what depends on who is looking: whether you are signed in, which comments you liked, the form to write one. Those parts are small islands of JavaScript that load where they are needed and enhance markup that is already on the page. If the script never arrives, you can still read everything, comments included.

## Why bother

Static pages are fast because nothing happens when you ask for them. nginx serves tens of thousands of them a second on a small machine, a CDN can cache them at the edge, and there is no database query between a reader and the words. They are also hard to break: a failed build keeps the last good site online, and a traffic spike is just more files going out.

The cost is a build step and some care about what changes when. For a blog that trade is easy. Our pages are static, and the site still feels alive.`,
      threads: [
        {
          by: 'sam',
          text: 'Love this. My old WordPress blog fell over every time a post got shared; I wish I had read this five years ago.',
          likedBy: ['noor', 'tomas', 'grace'],
          replies: [
            {
              by: 'grace',
              text: 'Thank you! A traffic spike on static files is mostly a bandwidth question, which is a much nicer question to have.',
              likedBy: ['sam'],
            },
            {
              by: 'tomas',
              text: '@Grace Hopper how long does a full rebuild take once you have a few thousand posts?',
            },
            {
              by: 'grace',
              text: '@Tomás Silva about six seconds for two thousand pages on our 2-core box. And the changed pages go out first, so readers rarely wait for the full one.',
              likedBy: ['tomas', 'yuki'],
            },
          ],
        },
        {
          by: 'yuki',
          text: 'How do the comments stay fresh if the post page is a file? Is there a delay after I post one?',
          replies: [
            {
              by: 'grace',
              text: 'Your own comment shows at once (the island adds it). The page itself is re-rendered within a few seconds, and bursts are coalesced, so a busy thread costs one render, not fifty.',
              likedBy: ['yuki', 'minji'],
            },
          ],
        },
      ],
    },
    {
      title: 'Counting things correctly',
      subtitle: 'Counters that never drift, even under load',
      slug: 'counting-things-correctly',
      category: 0,
      tags: ['Databases', 'Testing'],
      author: 'grace',
      cover: {
        scene: { kind: 'abacus', sky: ['#fdf0d5', '#f3d9a4'], ink: ['#6b3e26', '#c1121f', '#669bbc'] },
        alt: 'A wooden abacus with red and blue beads, some pushed to the left, on a warm cream background',
      },
      body: `Every blog shows numbers: comments under a post, posts in a category, likes on a comment. Counting them with \`COUNT(*)\` on every page view is simple and slow. Storing them is fast, and it is also where bugs like to live.

A stored counter drifts whenever one code path forgets it. A moderator hides a comment but the post still says twelve comments. A user is deleted and the category count never notices. Nobody sees it at first; months later the numbers are simply wrong, and nobody trusts them again.

## One place decides what counts

We keep every rule in one module. Only published posts count toward a category; only visible comments count toward a post; every like counts, whether its comment is hidden or not. Model hooks apply those rules on create, update and delete, and on cascades, inside the same transaction as the change, with atomic increments:

~~~ts
await Post.increment({ commentsCount: 1 }, { where: { id: comment.postId }, transaction });
~~~

Nobody sets a counter by hand. Bulk operations either run the per-row hooks or are refused outright.

## Proving it

Unit tests catch the cases you thought of. For the rest we run a property test: thousands of random operations (create, hide, delete, move, like, unlike) in random order, and after each batch a recount compares every stored counter with the real \`COUNT(*)\`. Any difference fails the test with the row and the operation that caused it.

The same recount is an admin action, and it reports what it fixed. On a healthy site it reports nothing at all, which is exactly what you want from a tool whose only job is counting things correctly.`,
      threads: [
        {
          by: 'noor',
          text: 'The property test is the part I am stealing. We had a drifting `likes_count` for a year and only found it when a customer complained.',
          likedBy: ['grace', 'sam'],
          replies: [
            {
              by: 'grace',
              text: 'It found two bugs in our own hooks the first afternoon, both on cascades. Worth every minute.',
              likedBy: ['noor'],
            },
          ],
        },
        {
          by: 'tomas',
          text: 'Why not just use database triggers? They cannot be forgotten by a code path.',
          likedBy: ['yuki'],
          replies: [
            {
              by: 'grace',
              text: 'Fair question. We run on SQLite and PostgreSQL, and one set of hooks in one language was easier to test on both than two sets of triggers.',
              likedBy: ['tomas'],
            },
            {
              by: 'yuki',
              text: '@Grace Hopper and the rule for what counts lives next to the code that changes the status, which helps when you read it later.',
            },
          ],
        },
      ],
    },
    {
      title: 'A week on the night trains',
      subtitle: 'From Vienna to Naples without a plane',
      slug: 'a-week-on-the-night-trains',
      category: 1,
      tags: ['Trains', 'Europe'],
      author: 'linus',
      cover: {
        scene: { kind: 'night-train', sky: ['#0b132b', '#3a506b'], ink: ['#0f1a2e', '#1c2541', '#ffd166'] },
        alt: 'A sleeper train with warm lit windows crossing dark hills under a starry sky and a crescent moon',
      },
      picture: {
        scene: { kind: 'route', sky: ['#cde7f0', '#a9d6e5'], ink: ['#2c3e50', '#7f8c8d', '#f6f1e3'] },
        alt: 'A simple map of the trip: a dashed line joining four stops from Vienna down through Venice and Rome to Naples',
      },
      body: `The plan was simple: one week, four cities, no planes, and as many nights on the night trains as I could fit in. It worked better than I expected, and worse in exactly the places everyone warned me about.

## The route

{{picture}}

I left Vienna on the evening sleeper to Venice, spent two days walking until my feet complained, took a day train down to Rome, and finished in Naples, where the trip turned into a pizza tour. Two nights on sleepers, five on the ground, and not one airport queue.

## What the sleeper is really like

The compartment is small: three bunks, a sink that folds into the wall, a ladder you will kick at two in the morning. The attendant brings a paper bag with breakfast, and the coffee is bad in a way that feels traditional. None of it matters when you wake up, lift the blind and see the lagoon instead of a motorway.

I slept maybe five hours each night. The train stops a lot, and every stop is a small drama of brakes and announcements. Bring earplugs.

## What I would pack again

- Earplugs and an eye mask; the blinds never quite close
- A small bag you can lift onto the top bunk without help
- Water, fruit and something salty, because the dining car closes early
- A scarf: the air conditioning has two settings, off and arctic

## Was it worth it

Yes. A flight would have been faster on paper, but a night train turns travel time into sleep time, and you arrive in the middle of a city instead of a field an hour away. Next year: Paris to Berlin, and this time I am booking a single.`,
      threads: [
        {
          by: 'minji',
          text: 'The arctic air conditioning is so true. I did Munich to Rome last spring and slept in my coat.',
          likedBy: ['linus', 'noor'],
          replies: [
            {
              by: 'linus',
              text: 'Coat club! Did you get the breakfast bag too? Mine had a croissant that had clearly seen things.',
              likedBy: ['minji', 'sam'],
            },
            {
              by: 'minji',
              text: '@Linus Park same croissant, I think. It was still the best breakfast of the trip because of the view.',
              likedBy: ['linus'],
            },
          ],
        },
        {
          by: 'tomas',
          text: 'How far ahead did you book? The Vienna sleepers seem to sell out months in advance now.',
          replies: [
            {
              by: 'linus',
              text: 'About six weeks for the couchettes. Singles were already gone, which is why I am booking next year today.',
              likedBy: ['tomas'],
            },
          ],
        },
        {
          by: 'yuki',
          text: 'This makes me want to take the slow way home next time. Great post.',
          likedBy: ['linus'],
        },
      ],
    },
    {
      title: 'The perfect kimchi jjigae',
      subtitle: 'Old kimchi, good stock and patience',
      slug: 'the-perfect-kimchi-jjigae',
      category: 2,
      tags: ['Korean food', 'Soup'],
      author: 'linus',
      cover: {
        scene: { kind: 'stew', sky: ['#f6e7d8', '#e9c9a8'], ink: ['#8c1c13', '#c0392b', '#f9c74f'] },
        alt: 'A black stone pot of bubbling red kimchi stew with tofu cubes, steam rising, on a wooden table',
      },
      body: `Kimchi jjigae is the dish I cook when the fridge is nearly empty and the week has been long. It is also the dish I got wrong for years, because I kept using fresh kimchi. The perfect kimchi jjigae starts with kimchi that is almost too sour to eat on its own.

## What you need (for two)

- Two cups of old, well-fermented kimchi, chopped, plus a splash of its juice
- 150 g pork belly or shoulder, sliced thin (or a can of tuna)
- Half a block of firm tofu, in thick slices
- One onion, two spring onions, one clove of garlic
- One tablespoon of gochugaru and one teaspoon of gochujang
- Two cups of anchovy stock, or plain water if you must

## How

1. Fry the pork in the pot until the fat runs, then add the kimchi and fry it for five minutes. This is where the flavour comes from; do not rush it.
2. Add the onion, garlic, gochugaru and gochujang, and stir until everything smells toasty.
3. Pour in the stock and the kimchi juice, bring it to a boil, then turn it down and let it bubble gently for twenty minutes.
4. Lay the tofu on top, scatter the spring onions, and give it five more minutes.

Taste before serving. If it is too sour, a pinch of sugar rounds it out; if it is flat, more kimchi juice is the answer, not more salt.

## Patience is an ingredient

The first attempt was too salty, the second too timid. The third, with older kimchi and a longer simmer, is the one I make every week now. Serve it in the pot, with rice, and do not wait for it to cool.`,
      threads: [
        {
          by: 'minji',
          text: '감사합니다! 정말 유용한 글이에요. My grandmother adds a little sugar too, and she would approve of the tuna version.',
          likedBy: ['linus', 'yuki', 'noor'],
          replies: [
            {
              by: 'linus',
              text: 'Grandmother approval is the highest rating this blog can get. Thank you!',
              likedBy: ['minji'],
            },
          ],
        },
        {
          by: 'sam',
          text: 'Made this last night with kimchi that had been in the fridge for two months. Best soup I have made all year.',
          likedBy: ['linus', 'minji'],
          replies: [
            {
              by: 'noor',
              text: '@Sam Reader two months! I never manage to keep it that long, I eat it first.',
              likedBy: ['sam'],
            },
            {
              by: 'sam',
              text: '@Noor Haddad the trick is buying two jars and hiding one behind the yoghurt.',
              likedBy: ['noor', 'linus', 'tomas'],
            },
          ],
        },
      ],
    },
    {
      title: 'Sessions without JWTs',
      subtitle: 'Server-side sessions are still a great idea',
      slug: 'sessions-without-jwts',
      category: 0,
      tags: ['Security'],
      author: 'grace',
      cover: {
        scene: { kind: 'lock', sky: ['#2b2d42', '#4a4e69'], ink: ['#22223b', '#9a8c98', '#f2e9e4'] },
        alt: 'A large padlock drawn in muted purple and cream on a dark slate background',
      },
      body: `Every few months someone asks why our login does not hand out JWTs. The short answer: a blog does not need them, and server-side sessions do the job with fewer ways to fail.

## How our sessions work

When you sign in, the API creates a random 256-bit token, stores only its hash in the sessions table, and sends the token to your browser in an \`HttpOnly\`, \`Secure\`, \`SameSite=Lax\` cookie. Every request that needs to know who you are looks the hash up. That is the whole design.

## What we get

- **Logout that works.** Deleting the row ends the session everywhere, at once. A JWT stays valid until it expires, whatever you do.
- **Revocation on events.** Changing your password or deleting your account removes every session in the same transaction.
- **No secrets in the token.** The cookie is an opaque random string; there is nothing to decode, forge or leak from it.
- **A list of devices.** Because sessions are rows, we can show you where you are signed in and let you end one.

## What it costs

One indexed lookup per request that needs a user. On our database that is well under a millisecond, and the public pages do not need it at all, because they are static files. Several API replicas share sessions through the same database, so scaling out does not change the design.

## When JWTs make sense

If many independent services need to verify a user without calling home, signed tokens earn their complexity. A blog with one API is not that system. Sessions without JWTs are boring, and boring is what you want from the thing that decides who you are.`,
      threads: [
        {
          by: 'noor',
          text: 'Thank you for the "logout that works" point. I have had to explain token expiry to a security auditor and it was not fun.',
          likedBy: ['grace', 'tomas'],
          replies: [
            {
              by: 'tomas',
              text: '@Noor Haddad the usual answer is a deny list, and then you are back to a database lookup anyway.',
              likedBy: ['noor', 'grace'],
            },
            {
              by: 'grace',
              text: '@Tomás Silva exactly. Once you have the lookup, the token format stops buying you anything.',
              likedBy: ['tomas'],
            },
          ],
        },
        {
          by: 'yuki',
          text: 'Do you rotate the session token after login? Session fixation still bites people.',
          replies: [
            {
              by: 'grace',
              text: 'Yes: a new token on every sign-in, and none is issued before it. Good catch to ask.',
              likedBy: ['yuki'],
            },
          ],
        },
      ],
    },
    {
      title: 'Notes on writing every day',
      subtitle: 'Small habits, long arcs',
      slug: 'notes-on-writing-every-day',
      category: 3,
      tags: ['Habits'],
      author: 'admin',
      cover: {
        scene: { kind: 'calendar', sky: ['#e9f5db', '#cfe1b9'], ink: ['#3a5a40', '#588157', '#a3b18a'] },
        alt: 'A wall calendar with most of the month ticked off in green squares',
      },
      body: `For the past year I have written something every day. Not a blog post every day, just writing: a paragraph, a list, a note about what broke. These are my notes on what made the habit stick.

## Make it small enough to do on a bad day

My rule is one hundred words. On a good day that turns into a thousand; on a bad day it is a hundred words about why the day was bad. The point is that the streak never depends on inspiration.

## Same time, same place

I write before I open email, with the first coffee. The habit attached itself to something I already did every day, and after a few weeks skipping it felt as odd as skipping the coffee.

## Keep the bar low, keep the pile

Almost everything I write is bad, and that is fine. The pile is the point. Once a month I read back through it, and there is always something worth keeping: the start of a post, a bug I never wrote up, a sentence that says what I meant.

## What changed after a year

- Writing stopped feeling like an event; it became a thing I do
- Posts go faster, because most of them are half-written already
- I remember more of my work, because I wrote it down while it happened

Write it down, even when it seems obvious. Future you is a stranger who has forgotten everything and has very little patience. Small habits, long arcs: one hundred words a day is a book a year.`,
      threads: [
        {
          by: 'sam',
          text: 'One hundred words is such a good floor. I always set the goal at a thousand and quit in a week.',
          likedBy: ['admin', 'minji'],
          replies: [
            {
              by: 'admin',
              text: 'Same story here, twice, before the hundred-word rule. The floor is what makes the streak.',
              likedBy: ['sam'],
            },
          ],
        },
        {
          by: 'minji',
          text: 'Do you write on paper or on a screen?',
          replies: [
            {
              by: 'admin',
              text: 'Mostly paper in the morning, then I type up whatever deserves it. There is a whole post about the notebook coming.',
              likedBy: ['minji'],
            },
          ],
        },
      ],
    },
    {
      title: 'Hiking the Jeju Olle trails',
      subtitle: 'Twenty-seven routes around one island',
      slug: 'hiking-the-jeju-olle-trails',
      category: 1,
      tags: ['Hiking', 'Korea'],
      author: 'linus',
      cover: {
        scene: { kind: 'volcano', sky: ['#8ecae6', '#e0f4ff'], ink: ['#264653', '#52796f', '#219ebc'] },
        alt: 'A broad green volcano rising over a blue sea, with a dashed orange trail along the black rocks of the shore',
      },
      picture: {
        scene: { kind: 'coast-trail', sky: ['#5fa8d3', '#a9d6e5'], ink: ['#1b4332', '#40916c', '#b7e4c7'] },
        alt: 'A sketch map of an island with a dashed orange and blue trail running all the way around its coast',
      },
      body: `Jeju Olle is a network of walking routes that circles the whole of Jeju island, plus a few side trips to the smaller islands off its coast. There are twenty-seven routes in all, most of them between fifteen and twenty kilometres, and together they add up to more than four hundred kilometres of coast, farm roads and volcanic hills.

{{picture}}

## Following the ribbons

You do not need a map. The trails are marked with blue and orange ribbons tied to trees and fences, and small arrows painted on walls: blue for the official direction, orange for the way back. After a day you start seeing them without looking, which is half the charm.

## Three routes I would walk again

- **Route 1**, from Siheung to Gwangchigi beach, climbs two small volcanic cones with views over Seongsan Ilchulbong. Start early; it gets busy.
- **Route 7**, along the southern cliffs near Seogwipo, is the classic: sea on one side, tangerine farms on the other.
- **Route 10**, past Songaksan, has the wildest coast and the strongest wind. Hold on to your hat.

## Practical things

Buses reach the start and end of every route, so you can walk one a day from a single guesthouse. Carry more water than you think; there are cafés, but not always where you need them. The passport you can buy at the Olle centre gets a stamp at each route's start, middle and end, and it is a surprisingly good reason to keep going.

I walked nine routes in ten days. The island is small on the map and enormous on foot, and that is exactly the point of hiking it this way.`,
      threads: [
        {
          by: 'minji',
          text: 'Route 7 is my favourite too! Did you try the tangerine chocolate? Every shop sells it and it is terrible and I love it.',
          likedBy: ['linus', 'yuki'],
          replies: [
            {
              by: 'linus',
              text: 'I brought home four boxes. Three were gone before I unpacked.',
              likedBy: ['minji', 'noor'],
            },
          ],
        },
        {
          by: 'tomas',
          text: 'Is it doable in winter, or is the wind too much?',
          replies: [
            {
              by: 'minji',
              text: 'Winter is fine on the south side, and it is quiet. The north coast can be brutal in January though.',
              likedBy: ['tomas', 'linus'],
            },
            {
              by: 'linus',
              text: '@Min-ji Kim agreed. I would add: the buses run less often, so check the last one before you start a long route.',
              likedBy: ['tomas'],
            },
          ],
        },
      ],
    },
    {
      title: 'Sourdough for the impatient',
      subtitle: 'A loaf that fits into a working week',
      slug: 'sourdough-for-the-impatient',
      category: 2,
      tags: ['Baking'],
      author: 'linus',
      cover: {
        scene: { kind: 'loaf', sky: ['#f8edeb', '#e8d5c4'], ink: ['#5c3d2e', '#b5835a', '#f3d5a5'] },
        alt: 'A round sourdough loaf with a deep golden crust and a curled scoring ear, on a wooden board',
      },
      picture: {
        scene: { kind: 'timeline', sky: ['#fffaf0', '#f5ebe0'], ink: ['#5c3d2e', '#b5835a', '#e9c46a'] },
        alt: 'A timeline of the two-day schedule: short blocks of work in the evening and morning, long bars of waiting in between',
      },
      body: `Most sourdough recipes assume you are home all day, folding dough every thirty minutes. I am not. This is the schedule that gets a good loaf out of a working week, with about twenty minutes of actual work.

## The idea

Let the fridge do the waiting. Cold slows fermentation down so much that the dough can sit for twelve to twenty hours without harm, and the long, cold rest improves the flavour. You only touch the dough when it suits you.

{{picture}}

## The schedule

1. **Evening, day one (5 minutes):** feed the starter before bed.
2. **Morning, day two (10 minutes):** mix 500 g flour, 350 g water, 100 g active starter and 10 g salt. Cover it and go to work.
3. **Evening, day two (5 minutes):** give it two sets of folds an hour apart while dinner cooks, shape it, put it in a floured basket and into the fridge.
4. **Morning, day three:** bake it straight from the fridge, at 250 °C in a lidded pot for twenty minutes, then lid off for twenty-five more.

## What makes it work

- A lively starter: it should double within six hours of a feed
- Less water than the fancy recipes; 70% is forgiving while you learn
- A hot pot: preheat it for a full half hour
- A sharp blade and one confident cut for the ear

## What to expect

The first loaf will be flatter than the photos. The third will be good. By the fifth you will stop reading the recipe, which is the real goal of sourdough for the impatient: bread that fits into your week instead of the other way round.`,
      threads: [
        {
          by: 'noor',
          text: 'Tried it this week. My loaf was flat, but it tasted amazing. Is my starter too weak?',
          likedBy: ['linus'],
          replies: [
            {
              by: 'linus',
              text: 'Probably! Try two feeds a day for a few days, and use it when it has doubled and smells a bit like yoghurt.',
              likedBy: ['noor', 'sam'],
            },
            {
              by: 'noor',
              text: '@Linus Park second loaf is much taller. Thank you!',
              likedBy: ['linus', 'minji', 'sam'],
            },
          ],
        },
        {
          by: 'sam',
          text: 'Check out my channel for better bread recipes, link in bio!',
          hidden: true,
        },
        {
          by: 'yuki',
          text: 'Baking straight from the fridge was the piece I was missing. The scoring is so much easier on cold dough.',
          likedBy: ['linus', 'noor'],
        },
      ],
    },
    {
      title: 'What a 2-core server can do',
      subtitle: 'Measuring before optimising',
      slug: 'what-a-2-core-server-can-do',
      category: 0,
      tags: ['Performance', 'Benchmarks'],
      author: 'grace',
      cover: {
        scene: { kind: 'chips', sky: ['#0d1b2a', '#1b263b'], ink: ['#415a77', '#778da9', '#e0e1dd'] },
        alt: 'Two processor chips side by side on a dark blue circuit-board grid',
      },
      picture: {
        scene: { kind: 'bars', sky: ['#f8f9fa', '#e9ecef'], ink: ['#212529', '#4dabf7', '#ffa94d'] },
        alt: 'A bar chart of six benchmark results with a rising line drawn across the tops of the bars',
      },
      body: `Our whole blog runs on a server with two cores and two gigabytes of memory. Before we changed anything, we measured what that server can really do, because a number from a 2-core machine tells you more than an opinion from a laptop.

## What we measured

- Static pages through nginx: about thirty thousand requests a second for a typical post
- The comments API, reading the first page of a busy thread: a few thousand a second
- Creating comments, each in its own transaction with counters kept exact: several hundred a second on SQLite
- A full site build: about three hundred pages a second

{{picture}}

## How we measured

Every benchmark runs against the real stack, on the real machine, with a baseline measured in the same run. We report the ratio to that baseline as well as the raw number, because on a shared machine raw numbers move with the neighbours, and a ratio usually survives the noise. Each run is repeated, and the median is what counts.

## What it told us

The web server was never the problem: static files are effectively free. The first real limit was SQLite's single writer, and only for comment bursts far beyond anything the blog has seen. The second was the build, which is why we render changed pages first and let the full build follow.

## What we did not do

We did not add a cache in front of the API, a queue server or a second machine. The measurements said we did not need them yet, and every one of those would be something else to run, monitor and fix at night.

Measuring before optimising is slower for an afternoon and faster for the rest of the year. Start with the numbers; the server can usually do more than you think.`,
      threads: [
        {
          by: 'tomas',
          text: 'Thirty thousand a second from nginx on two cores sounds low, honestly. Was that with TLS?',
          replies: [
            {
              by: 'grace',
              text: 'Without TLS, from the same machine, gzip on. With TLS it drops, but it is still far beyond what a blog needs.',
              likedBy: ['tomas'],
            },
            {
              by: 'noor',
              text: '@Grace Hopper the ratio-to-baseline trick is great. We started doing it in CI and the flaky perf alerts stopped overnight.',
              likedBy: ['grace', 'yuki'],
            },
          ],
        },
        {
          by: 'yuki',
          text: 'Please write more posts like this. Real numbers from a small server are rare.',
          likedBy: ['grace', 'sam', 'minji'],
        },
      ],
    },
    {
      title: 'Reading old manuals',
      subtitle: 'The best documentation was written in 1987',
      slug: 'reading-old-manuals',
      category: 3,
      tags: ['Documentation'],
      author: 'admin',
      cover: {
        scene: { kind: 'manual', sky: ['#d9c5a0', '#b08968'], ink: ['#3d2c1e', '#7f5539', '#9c6644'] },
        alt: 'An open manual with neat lines of text and a small line drawing, on a tan background',
      },
      body: `I found a box of computer manuals from the late eighties in my parents' attic: a word processor, a spreadsheet, a programming language. I started reading one out of nostalgia and finished it out of respect. Reading old manuals is the best lesson in documentation I have had.

## What they got right

**They assumed you would read them.** There was no search box and no forum, so the manual had to answer every question itself, in order, starting from nothing.

**They had a tutorial and a reference, and kept them apart.** The first half taught you by doing; the second half listed every command, one per page, with the same headings each time.

**They were edited.** You can feel it: short sentences, consistent words for the same thing, an index that actually points to the right page. Someone's job was to make it clear.

**They showed the screen.** Every example showed what you type and what you see afterwards, so you always knew whether it had worked.

## What I am taking from them

- Write the tutorial and the reference as separate things
- Use one word for one idea, everywhere
- Show the output, not just the input
- Make the index, or its modern version, good search

Our docs are web pages now, and that is mostly an improvement. But the best documentation was written for readers with nowhere else to go, and it is worth writing ours as if that were still true.`,
      threads: [
        {
          by: 'sam',
          text: 'The one-command-per-page reference is what I miss most. Modern docs are all tutorials and blog posts.',
          likedBy: ['admin'],
          replies: [
            {
              by: 'yuki',
              text: '@Sam Reader there is a framework for that split (tutorials, how-to guides, reference, explanation). It reads like a rediscovery of these manuals.',
              likedBy: ['sam', 'admin'],
            },
          ],
        },
      ],
    },
    {
      title: 'Lisbon in the rain',
      subtitle: 'Trams, tiles and pastel de nata',
      slug: 'lisbon-in-the-rain',
      category: 1,
      tags: ['Europe', 'Cities'],
      author: 'linus',
      cover: {
        scene: { kind: 'rainy-city', sky: ['#8d99ae', '#c9d1d9'], ink: ['#2b2d42', '#4a5568', '#edf2f4'] },
        alt: 'Pastel houses with red roofs climbing a hill in the rain, with a yellow tram in front of them',
      },
      body: `Everyone promised me sunshine. Lisbon gave me four days of rain, and I think I saw the city better for it.

## Trams

The famous yellow trams are even better when it pours, because everyone else is indoors. Tram 28 rattles up through Graça and Alfama, so close to the houses you could touch the tiles. Get on at the start of the line, before nine, and you might even get a seat by the window, which fogs up in the most cinematic way.

## Tiles

Rain makes the azulejos shine. The tiled façades that look pretty in the sun look glossy and deep in the wet, every blue and green brighter. I spent a whole afternoon in the National Tile Museum, which is the best rainy-day plan in the city, and then walked home looking at every wall.

## Pastel de nata

The custard tarts deserve their reputation. Eat them warm, with cinnamon, standing at the counter with a bica. I tried six bakeries and have opinions:

- The famous one in Belém is worth the queue exactly once
- The small bakery nearest your flat is probably just as good
- If the pastry does not shatter when you bite it, move on

## The rain itself

Lisbon's streets are steep and paved with smooth limestone, which turns into an ice rink when wet. Wear shoes with grip and walk like a local: slowly, holding the rail, never looking at your phone.

I would go back in summer to see the famous light. But Lisbon in the rain felt like the city was all mine.`,
      threads: [
        {
          by: 'tomas',
          text: 'As someone from Lisbon: yes to the shoes advice. Tourists slipping on the calçada is our winter sport.',
          likedBy: ['linus', 'sam', 'noor'],
          replies: [
            {
              by: 'linus',
              text: 'I did slip once, on the way to the tile museum. A grandmother caught my elbow without even looking up.',
              likedBy: ['tomas', 'minji'],
            },
            {
              by: 'tomas',
              text: '@Linus Park that is the most Lisbon thing I have ever read.',
              likedBy: ['linus', 'yuki'],
            },
          ],
        },
      ],
    },
    {
      title: 'Ramen at home, properly',
      subtitle: 'Tare, fat, noodles, broth',
      slug: 'ramen-at-home-properly',
      category: 2,
      tags: ['Noodles'],
      author: 'linus',
      cover: {
        scene: { kind: 'ramen', sky: ['#3c2a21', '#1a120b'], ink: ['#2b2b2b', '#c8863b', '#6a994e'] },
        alt: 'A bowl of ramen from above: golden broth, wavy noodles, a soft egg, nori and spring onions, with chopsticks',
      },
      body: `Good ramen is five things in one bowl: tare, fat, broth, noodles and toppings. Get each one right on its own and the bowl takes care of itself. This is how I make ramen at home, properly, without a restaurant kitchen.

## Tare: the seasoning

Tare is the salty, concentrated base at the bottom of the bowl. Mine is shoyu tare: soy sauce, mirin and sake, simmered for five minutes with a strip of kombu and a handful of dried shiitake. It keeps for a month in the fridge, and two tablespoons season a bowl.

## Fat: the aroma

A spoon of flavoured fat on top is what makes the first sip smell like a ramen shop. Gently fry spring onion greens and garlic in chicken fat or neutral oil until golden, then strain. Do not skip it.

## Broth: the body

A weekend chicken broth is plenty: a kilo of wings, an onion, ginger, water to cover, four hours at a bare simmer. Skim it early, strain it, and freeze what you do not use. Pork bone tonkotsu is wonderful and takes a day of loud boiling; save it for when you are committed.

## Noodles

Buy fresh ramen noodles if you can; they are alkaline, springy and made for this. Cook them in lots of water, one minute less than the packet says, and shake them dry before they go in.

## Putting it together

1. Warm the bowl with hot water
2. Tare in first, then the hot broth, then a spoon of fat
3. Noodles, folded in neatly
4. Toppings: a jammy egg, spring onions, nori, whatever roast meat you have

Eat it immediately, loudly. Ramen waits for nobody.`,
      threads: [
        {
          by: 'yuki',
          text: 'As a Japanese reader: this is a very respectful guide. The aroma oil step is the one most people skip, and it matters so much.',
          likedBy: ['linus', 'minji', 'sam', 'noor'],
          replies: [
            {
              by: 'linus',
              text: 'That means a lot, thank you. Any tare tips from home?',
              likedBy: ['yuki'],
            },
            {
              by: 'yuki',
              text: '@Linus Park a little dried sardine in the tare. My uncle swears by it.',
              likedBy: ['linus', 'minji'],
            },
          ],
        },
        {
          by: 'noor',
          text: 'How long do the jammy eggs keep in the marinade?',
          replies: [
            {
              by: 'linus',
              text: 'Two or three days in the fridge. After that they get salty, but they are still great on rice.',
              likedBy: ['noor'],
            },
          ],
        },
      ],
    },
    {
      title: 'Designing for no JavaScript',
      subtitle: 'Progressive enhancement in practice',
      slug: 'designing-for-no-javascript',
      category: 0,
      tags: ['Accessibility', 'Performance'],
      author: 'grace',
      cover: {
        scene: { kind: 'layers', sky: ['#fefae0', '#faedcd'], ink: ['#283618', '#606c38', '#dda15e'] },
        alt: 'Three stacked layers floating above each other, dark green at the bottom, olive in the middle and amber on top',
      },
      body: `Every page on this blog works without JavaScript. Not as a stunt: designing for no JavaScript first is the cheapest way we know to make a site fast, robust and accessible at once.

## Layers

We think of each page as three layers:

1. **HTML** that carries all of the content and all of the links. The post, its first page of comments and the navigation are in the markup the server sends.
2. **CSS** that makes it readable on a phone, on a wide screen, in dark mode and in print.
3. **JavaScript** that adds what truly needs it: writing a comment, liking one, loading more without leaving the page.

If the third layer fails, and on a train or a busy network it sometimes does, the first two still work.

## In practice

- Comments are rendered into the page at build time. The comment island enhances that list; it does not create it.
- Links are real links. Pagination is a series of pages with URLs, so the back button and bookmarks work.
- Every island says what it needs: where a feature cannot work without a script, a short line says so instead of showing a button that does nothing.
- Focus and labels are right in the HTML, so screen readers get the same page everyone else gets.

## What it buys us

Pages that paint before any script has loaded, no layout shifts when it arrives, and a site that a search engine, a feed reader or a ten-year-old phone can read in full.

Progressive enhancement is not about the few people who turn JavaScript off. It is about everyone whose JavaScript has not arrived yet.`,
      threads: [
        {
          by: 'noor',
          text: '"Everyone whose JavaScript has not arrived yet" is going on a sticky note above my desk.',
          likedBy: ['grace', 'sam', 'tomas', 'yuki'],
        },
        {
          by: 'sam',
          text: 'How do you test the no-JavaScript path? It seems easy to break without noticing.',
          replies: [
            {
              by: 'grace',
              text: 'The site build test checks the static HTML for the content, and our browser tests run some pages with scripts blocked. Breaking it fails CI.',
              likedBy: ['sam', 'noor'],
            },
          ],
        },
      ],
    },
    {
      title: 'On keeping a paper notebook',
      subtitle: 'The one device that never needs an update',
      slug: 'on-keeping-a-paper-notebook',
      category: 3,
      tags: ['Habits', 'Paper'],
      author: 'admin',
      cover: {
        scene: { kind: 'notebook', sky: ['#f1e3d3', '#e4cfb7'], ink: ['#1d3557', '#e63946', '#f1faee'] },
        alt: 'A navy notebook with a red elastic band and a yellow pencil lying beside it on a light wooden desk',
      },
      body: `I have carried a paper notebook for eleven years. It has survived four phones, three laptops and countless apps that promised to organise my thoughts. The notebook is the one device that never needs an update.

## Why paper

Paper has no notifications. When I open the notebook, nothing else asks for my attention, and that alone makes it the place where I think most clearly. It is also fast: no unlock, no app, no sync, just a page.

Writing by hand slows me down in a useful way. I cannot copy everything, so I have to decide what matters while I write it. My notes are shorter and better than anything I have ever typed in a meeting.

## How I keep mine

- One notebook at a time, A5, dotted pages, numbered by hand
- The date at the top of each day, and everything goes in order
- A two-page index at the front, filled in as I go, for the things worth finding again
- A box next to every task; I tick it, move it or cross it out

When the notebook is full, it goes on a shelf with its date range on the spine. I rarely read the old ones, but when I do, they tell me more about a year than my calendar ever could.

## What paper is bad at

Search, obviously, and sharing. Anything that needs to be found by someone else goes into a document the same day. The notebook is for thinking; the computer is for everything after.

Keeping a paper notebook is a small, cheap habit. It is also the most reliable tool I own.`,
      threads: [
        {
          by: 'minji',
          text: 'The index at the front is genius. I have twenty notebooks and no idea where anything is.',
          likedBy: ['admin'],
          replies: [
            {
              by: 'admin',
              text: 'Start one today and do not worry about the old ones. The future notebooks will thank you.',
              likedBy: ['minji', 'sam'],
            },
          ],
        },
      ],
    },
    {
      title: 'Crossing the Alps by bike',
      subtitle: 'Seven passes, one very tired back',
      slug: 'crossing-the-alps-by-bike',
      category: 1,
      tags: ['Cycling', 'Europe'],
      author: 'linus',
      cover: {
        scene: { kind: 'alps', sky: ['#a2d2ff', '#e7f0ff'], ink: ['#2d3142', '#5c677d', '#f5f3f4'] },
        alt: 'A cyclist on a winding road below snow-capped Alpine peaks on a clear morning',
      },
      body: `Seven passes in nine days, from Lake Geneva to Lake Como, on a bike carrying everything I needed. Crossing the Alps by bike was the hardest thing I have done on two wheels, and the most beautiful.

## The passes

- **Col des Mosses**, a gentle warm-up through meadows and cowbells
- **Col du Pillon** and **Col du Sanetsch**, where the road narrowed and the views widened
- **Furka**, long and high, with the glacier just below the road
- **Grimsel**, back down the other side, switchback after switchback
- **Nufenen**, the highest paved pass in Switzerland, cold at the top even in July
- **San Bernardino**, the last climb, and then a long descent into Italy

## What my back learned

Nine days of climbing taught me more about bike fit than ten years of commuting. By day three my lower back ached every morning. A slightly higher handlebar and a saddle moved forward by a centimetre fixed most of it. Carrying less fixed the rest: I posted half my clothes home from Andermatt.

## Riding the climbs

Find a gear you can turn for two hours, and stay in it. The switchbacks are steepest on the inside of the bend, so swing wide. Eat before you are hungry and drink before you are thirsty, because at 2,400 metres you will not feel either until it is too late.

## The descents

The reward is a descent that lasts half an hour. Check your brakes every morning, look far ahead, and stop at the first café in the valley, because you will be shaking and very happy.

Seven passes, one very tired back, and the best cup of coffee of my life at the bottom of the San Bernardino.`,
      threads: [
        {
          by: 'tomas',
          text: 'Furka and Grimsel on the same day? Respect. How heavy was the bike?',
          likedBy: ['linus'],
          replies: [
            {
              by: 'linus',
              text: 'About 22 kg with bags at the start, 18 after the post office in Andermatt.',
              likedBy: ['tomas', 'noor'],
            },
            {
              by: 'noor',
              text: '@Linus Park posting clothes home halfway is such a rite of passage. I did it in the Pyrenees.',
              likedBy: ['linus', 'tomas'],
            },
          ],
        },
        {
          by: 'sam',
          text: 'The tip about the inside of the switchbacks just saved my knees on my local climb. Thank you.',
          likedBy: ['linus'],
        },
      ],
    },
    {
      title: 'Fermentation basics',
      subtitle: 'Salt, time and a clean jar',
      slug: 'fermentation-basics',
      category: 2,
      tags: ['Fermentation', 'Korean food'],
      author: 'linus',
      cover: {
        scene: { kind: 'jars', sky: ['#f7ede2', '#f5cac3'], ink: ['#3d405b', '#81b29a', '#f2cc8f'] },
        alt: 'Four glass jars of fermenting vegetables in green, orange, yellow and red, with small bubbles in each',
      },
      body: `Fermenting vegetables sounds like a science project, but the basics fit on an index card: salt, time and a clean jar. Everything else is taste.

## How it works

Vegetables carry lactic acid bacteria on their skins. Salt keeps the bad microbes out while those good bacteria eat the vegetables' sugars and make acid. The acid preserves the food and gives it that sour, bright flavour. You do not add anything; you just set up the conditions and wait.

## Your first ferment

1. Slice a cabbage thinly and weigh it.
2. Add 2% of that weight in salt: 20 g for a kilo of cabbage.
3. Massage it for ten minutes, until it is limp and sitting in its own brine.
4. Pack it into a clean jar, pressing down hard, until the brine covers the cabbage.
5. Weigh it down with a small bag of water, put the lid on loosely, and leave it at room temperature.

Taste it after three days. When it is as sour as you like, move it to the fridge, where it keeps for months.

## The rules that matter

- **Keep everything under the brine.** Mould only grows where air reaches.
- **Weigh the salt.** Too little and it spoils, too much and nothing happens.
- **Clean, not sterile.** Hot soapy water is enough for the jar.
- **Trust your nose.** Sour is good; rotten is not, and you will know the difference.

## Where to go next

Once sauerkraut works, everything opens up: kimchi with gochugaru and fish sauce, pickled radishes, hot sauce from fermented chillies. Fermentation basics are the same every time. Only the vegetables change.`,
      threads: [
        {
          by: 'minji',
          text: 'Good basics! For kimchi I would add: do not fill the jar to the top, it will overflow on day two. Ask me how I know.',
          likedBy: ['linus', 'yuki', 'sam'],
          replies: [
            {
              by: 'linus',
              text: 'Ha, same lesson, same day two. Now I keep the jars in a baking tray.',
              likedBy: ['minji'],
            },
          ],
        },
        {
          by: 'noor',
          text: 'Is a white film on top always mould? Mine has a thin white layer after a week.',
          replies: [
            {
              by: 'minji',
              text: 'A flat white film is usually kahm yeast: harmless, skim it off. Fuzzy and coloured is mould, and then it goes in the bin.',
              likedBy: ['noor', 'linus'],
            },
            {
              by: 'noor',
              text: '@Min-ji Kim flat and white. Skimmed, and it tastes great. Thank you!',
              likedBy: ['minji'],
            },
          ],
        },
      ],
    },
    {
      title: 'Markdown, safely',
      subtitle: 'Rendering user content without regrets',
      slug: 'markdown-safely',
      category: 0,
      tags: ['Security', 'Markdown'],
      author: 'grace',
      cover: {
        scene: { kind: 'shield', sky: ['#003049', '#335c67'], ink: ['#001d2e', '#2a6f97', '#fdf0d5'] },
        alt: 'A shield in deep blue with a large hash sign, the Markdown heading mark, drawn across it',
      },
      body: `Posts and comments on this blog are written in Markdown. Markdown is friendly, and it is also a way for anyone with an account to put HTML on our pages. Rendering it safely took more care than I expected.

## The problem

Markdown allows raw HTML, and many renderers pass it straight through. A comment containing a script tag, or a link to a \`javascript:\` URL, or an image with an \`onerror\` attribute, would run in every reader's browser. That is the classic stored XSS, and a comment box is the classic place to find it.

## What we do

1. **Render with raw HTML turned off.** Our renderer escapes any HTML in the source, so a script tag shows up as text.
2. **Sanitise the output anyway.** The rendered HTML goes through an allow-list sanitiser: a short list of tags, a shorter list of attributes, and only \`http\`, \`https\` and \`mailto\` links.
3. **Render once, on save.** The sanitised HTML is stored next to the Markdown, so pages never render user input on the fly, and there is exactly one code path to review.
4. **Add a Content Security Policy.** Even if something slipped through, the browser would refuse inline scripts.

## Testing it

We keep a file of hostile inputs: broken tags, nested quotes, entity tricks, Unicode look-alikes and every \`javascript:\` spelling we know. Each one is rendered and parsed again the way a browser would, and the test fails if any of them produces an event handler, a script or a dangerous URL.

## Regrets avoided

Belt and braces may sound like overkill for a blog. But the comment box is open to the world, and it only needs to fail once. Markdown, safely, is just Markdown with two locks on the door.`,
      threads: [
        {
          by: 'tomas',
          text: 'The list of `javascript:` spellings is terrifying once you see it all in one place. Tabs inside the scheme name, really?',
          likedBy: ['grace', 'noor'],
          replies: [
            {
              by: 'grace',
              text: 'Browsers strip tabs and newlines from URLs before they look at the scheme, so yes. That one is in the test file.',
              likedBy: ['tomas', 'yuki'],
            },
          ],
        },
        {
          by: 'yuki',
          text: 'Do you allow images in comments?',
          replies: [
            {
              by: 'grace',
              text: 'Not in comments: they are an easy way to track readers. Posts can have images from the media library.',
              likedBy: ['yuki'],
            },
          ],
        },
      ],
    },
    {
      title: 'The joy of small tools',
      subtitle: 'Do one thing and keep doing it',
      slug: 'the-joy-of-small-tools',
      category: 3,
      tags: ['Tools'],
      author: 'admin',
      cover: {
        scene: { kind: 'tools', sky: ['#e9edc9', '#ccd5ae'], ink: ['#283618', '#bc6c25', '#fefae0'] },
        alt: 'A ruler, a yellow pencil and a small screwdriver laid out at angles on a soft green background',
      },
      body: `There is a kind of calm that comes from small tools that do exactly one thing. They do not update themselves at night, they do not ask for an account, and they will still work in ten years.

## Some small tools I love

- **A pocket ruler** that has been in my bag since university
- **\`grep\`**, which has answered more questions about codebases than any documentation
- **A kitchen timer** with a single dial; no app has ever beaten it
- **A text file** called \`todo.txt\`, which has outlived five task managers

## What they have in common

Each of them does one job, and does it completely. You can learn all of it in an afternoon and then stop thinking about the tool and think about the work. None of them has a settings page worth opening.

Small tools also combine well. A shell pipeline of four little programs can do what a big application does, and when one piece breaks you can see which. A notebook, a pencil and a timer make a better focus system than most software I have tried.

## The quiet cost of big tools

Big tools want your attention. They have onboarding, upgrades, pricing tiers and features you did not ask for. Every one of those is a small tax on the time you wanted to spend on the work itself.

## Choosing small

When I need something new, I ask what the smallest tool would be that does the job, and try that first. Usually it is enough. When it is not, at least I know exactly what the big tool needs to do better.

The joy of small tools is the joy of a thing that stays out of the way. Do one thing, and keep doing it.`,
      threads: [
        {
          by: 'sam',
          text: 'todo.txt gang. Mine is nine years old and has never lost a single item.',
          likedBy: ['admin', 'tomas', 'noor'],
          replies: [
            {
              by: 'tomas',
              text: '@Sam Reader nine years! Mine keeps getting renamed to todo-final-2.txt.',
              likedBy: ['sam', 'admin'],
            },
          ],
        },
      ],
    },
    {
      title: 'Seoul by subway',
      subtitle: 'Line 2 is a city tour',
      slug: 'seoul-by-subway',
      category: 1,
      tags: ['Korea', 'Cities'],
      author: 'linus',
      cover: {
        scene: { kind: 'loop-line', sky: ['#14213d', '#274060'], ink: ['#0b1320', '#3cb44b', '#fca311'] },
        alt: 'A green loop with white station dots floating above the lit towers of a city at night',
      },
      body: `Seoul's subway is one of the best ways to see the city, and Line 2, the green circle line, is a city tour for the price of a single ticket. It loops for sixty kilometres through almost every neighbourhood worth seeing.

## Riding the loop

A full loop takes about ninety minutes. Get on anywhere, stay on, and watch the city change around you: office towers at City Hall, students at Hongik University, the river crossing at Dangsan, glass and money at Gangnam, and markets at Dongdaemun. Part of the line runs above ground, so you also get the Han River at sunset if you time it right.

## Stops worth getting off at

- **Hongik University** for street food, buskers and late-night cafés
- **Seongsu** for old factories turned into coffee roasters and design shops
- **Jamsil** for the lake park and the view from the tallest tower in the city
- **Euljiro 3-ga** for printing shops by day and tiny bars by night

## How the system works

Buy a T-money card at any convenience store and top it up with cash. It works on every line, on buses, and in taxis, and transfers within thirty minutes are almost free. Station signs are in Korean and English, the announcements too, and every platform has screen doors, so it is calm even at rush hour.

## Manners

Keep your voice low, do not eat on the train, and leave the pink seats for pregnant passengers. On the escalators, stand on the right.

I have taken Line 2 all the way round three times now, each time with a different stop. Seoul by subway is the city at its most honest: busy, clean, a little tired and always on time.`,
      threads: [
        {
          by: 'minji',
          text: 'As a Seoulite I approve of this list, especially Euljiro. Add Seongsu on a weekday morning, it is so quiet then.',
          likedBy: ['linus', 'yuki'],
          replies: [
            {
              by: 'linus',
              text: 'Weekday morning in Seongsu is noted for next time. The weekend queues for coffee were something else.',
              likedBy: ['minji'],
            },
            {
              by: 'yuki',
              text: '@Min-ji Kim is the riverside bike path near there worth it? I am visiting in May.',
            },
            {
              by: 'minji',
              text: '@Yuki Sato yes! Rent a city bike at Ttukseom and ride west at sunset. You will not regret it.',
              likedBy: ['yuki', 'linus'],
            },
          ],
        },
        {
          by: 'noor',
          text: 'The screen doors on every platform still amaze me every time I visit.',
          likedBy: ['minji'],
        },
      ],
    },
    {
      title: 'Weeknight dumplings',
      subtitle: 'Folding is faster than you think',
      slug: 'weeknight-dumplings',
      category: 2,
      tags: ['Dumplings'],
      author: 'linus',
      cover: {
        scene: { kind: 'dumplings', sky: ['#2d1e2f', '#43291f'], ink: ['#3b1f1a', '#c9a66b', '#e9d8a6'] },
        alt: 'A white plate of pleated dumplings with a bowl of dark dipping sauce and chopsticks, on a dark wooden table',
      },
      body: `Dumplings feel like a weekend project, but they are one of my fastest weeknight dinners. Folding is faster than you think, and once you have a freezer full of them, dinner is ten minutes away.

## The filling (about forty dumplings)

- 400 g minced pork, or crumbled firm tofu
- A quarter of a napa cabbage, finely chopped, salted and squeezed dry
- Three spring onions, a thumb of ginger and two cloves of garlic, minced
- One tablespoon each of soy sauce and sesame oil, and a pinch of white pepper

Mix it hard with one hand for two minutes, until it turns sticky. That is what keeps the filling juicy.

## Folding

Use shop-bought wrappers; life is short. Put a teaspoon of filling in the centre, wet half the edge with water, fold it into a half-moon and pinch the middle shut. Then make three or four pleats on each side, pressing each one against the flat back. Your first ten will look odd, your next ten will look fine, and by the end of the batch you will fold one every fifteen seconds.

## Cooking

Pan-frying is my weeknight method:

1. Heat a tablespoon of oil in a non-stick pan and line up the dumplings, flat side down.
2. Fry for two minutes until the bottoms are golden.
3. Add a splash of water, cover, and steam for five minutes.
4. Uncover and let the bottoms crisp again for a minute.

## Dipping sauce

Soy sauce, black vinegar and a little chilli oil, in equal parts. Done.

Freeze the extras on a tray before bagging them, and cook them straight from frozen with two extra minutes of steaming. Weeknight dumplings, sorted.`,
      threads: [
        {
          by: 'yuki',
          text: 'Freezing them on a tray first is the best tip here. Mine always froze into one giant dumpling.',
          likedBy: ['linus', 'sam'],
          replies: [
            {
              by: 'sam',
              text: '@Yuki Sato the giant dumpling is a dish in its own right, I have eaten several.',
              likedBy: ['yuki', 'linus', 'noor'],
            },
          ],
        },
        {
          by: 'tomas',
          text: 'Made these with my kids. The pleats were chaos but they ate every single one.',
          likedBy: ['linus', 'minji', 'noor'],
          replies: [
            {
              by: 'linus',
              text: 'Chaos pleats taste exactly the same. Best way to spend an evening.',
              likedBy: ['tomas'],
            },
          ],
        },
      ],
    },
    {
      title: 'Backups you can restore',
      subtitle: 'An untested backup is a hope',
      slug: 'backups-you-can-restore',
      category: 0,
      tags: ['Backups'],
      author: 'grace',
      draft: true,
      cover: {
        scene: { kind: 'disks', sky: ['#1b4332', '#2d6a4f'], ink: ['#081c15', '#40916c', '#b7e4c7'] },
        alt: 'A stack of three database cylinders with a circular arrow curving around them, in shades of green',
      },
      body: `Everyone has backups. Fewer people have backups they can restore. The difference only shows on the worst day of the year, which is why an untested backup is a hope, not a plan.

## What we back up

- The database, every night, with a consistent snapshot (SQLite's online backup, or \`pg_dump\` on PostgreSQL)
- The media folder, synced to another machine after every upload
- The configuration, which lives in the repository anyway

The built site is not backed up: it can be rebuilt from the database in a minute.

## Restoring, on a schedule

Once a week, a job takes the newest backup, restores it into a fresh machine, runs the migrations, starts the API and checks a few pages and counts against production. If anything fails, we get an email before anyone needs that backup for real.

## What the restore test has caught

- A backup script that silently wrote empty files after a disk filled up
- A media sync that skipped files with non-ASCII names
- A restore that worked but took three hours, which we had never measured

## Rules of thumb

1. A backup you have never restored does not exist yet.
2. Keep at least one copy somewhere a bad command on the main server cannot reach.
3. Write down how to restore, step by step, and let someone else follow it.
4. Measure how long a restore takes, because that is how long your site is down.

Backups you can restore are a little boring to set up. That is the whole idea: the worst day of the year should be boring too.`,
      threads: [],
    },
  ],
};
