"""The fictional demo council, Kingsmere, and the cast of people who use Spiral there."""
